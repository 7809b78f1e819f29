package dev.quorumwatch.node.api;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.node.raft.RaftSettings;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.node.auth.TokenAuthInterceptor;
import dev.quorumwatch.proto.CommandReply;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How an API call changes the state: bounded free text, who made the change, commit through Raft, answer once applied. */
final class Writes {
  static final long WRITE_TIMEOUT_S = 15;
  /** Free text an operator attaches (comments, reasons, names): kept in the replicated state, so bounded. */
  static final int TEXT_MAX = 1024;

  private final NodeConfig config;
  private final MonitorStateMachine state;
  private final RaftNode raft;

  Writes(NodeConfig config, MonitorStateMachine state, RaftNode raft) {
    this.config = config;
    this.state = state;
    this.raft = raft;
  }

  /**
   * Answers INVALID_ARGUMENT naming the first of {@code fields} (name, value, name, value...)
   * longer than {@link #TEXT_MAX}; true when one was.
   */
  static boolean tooLong(StreamObserver<?> response, String... fields) {
    for (int i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i + 1].length() > TEXT_MAX) {
        response.onError(Status.INVALID_ARGUMENT.withDescription(fields[i] + ": expected at most " + TEXT_MAX
            + " characters, got " + fields[i + 1].length()).asRuntimeException());
        return true;
      }
    }
    return false;
  }

  /** Who made a change: the caller's token name when the API checks tokens, else what the caller claims. */
  static String who(String claimed) {
    String token = TokenAuthInterceptor.TOKEN_NAME.get();
    return token != null ? token : claimed;
  }

  /** Commits a command; on failure answers the call with the reason and returns null. */
  CommandReply commit(Command command, String errorPrefix, StreamObserver<?> response) {
    int bytes = command.getSerializedSize();
    if (bytes > RaftSettings.COMMAND_BYTES_MAX) {
      // Ratis would refuse it only at the leader, as an error that reads like a lost quorum.
      response.onError(Status.INVALID_ARGUMENT.withDescription(errorPrefix + "expected at most "
          + RaftSettings.COMMAND_BYTES_MAX + " bytes once encoded (one Raft log entry), got " + bytes)
          .asRuntimeException());
      return null;
    }
    CommandReply reply;
    try {
      reply = raft.submit(command).get(WRITE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
      return null;
    } catch (ExecutionException | TimeoutException e) {
      response.onError(Status.UNAVAILABLE.withDescription("not committed (no leader or no quorum?): "
          + e.getMessage()).asRuntimeException());
      return null;
    }
    if (!reply.getAccepted()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(errorPrefix + reply.getError()).asRuntimeException());
      return null;
    }
    return reply;
  }

  /** Answers from this replica once it has applied the committed command (it may be a follower). */
  <T> void answerAfter(CommandReply reply, Function<Coordinator, T> reader, StreamObserver<T> response) {
    try {
      Optional<T> answer = state.readAfter(reply.getLogIndex(), WRITE_TIMEOUT_S * 1000, reader);
      if (answer.isEmpty()) {
        response.onError(Status.UNAVAILABLE.withDescription("committed at index " + reply.getLogIndex()
            + " but not yet applied on " + config.nodeId() + "; ask again").asRuntimeException());
        return;
      }
      response.onNext(answer.get());
      response.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
    }
  }
}
