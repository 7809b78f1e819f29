package dev.quorumwatch.node.raft;

import com.codahale.metrics.Timer;
import dev.quorumwatch.coordinator.ratis.RejectedCommandException;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.impl.RaftClientImpl;
import org.apache.ratis.client.impl.UnorderedAsync;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's writes into the log, and its linearizable reads through the leader: one Raft
 * client at a time, on connections every client shares ({@link ClientConnections}). A client
 * that addresses another server than the leader this node's own server follows is replaced;
 * the one it replaces is closed once every request in it has had its answer time.
 */
final class RaftWrites implements AutoCloseable {
  static final long CLIENT_REQUEST_TIMEOUT_MS = 1_000;
  /** Well past the client's own retry budget (~5 s without a leader). */
  static final long WRITE_ANSWER_TIMEOUT_MS = 15_000;
  /** Bounded: a caller that gets no answer in ~5 s resends its own way (the reporter with a
   * full view at the next heartbeat), rather than queueing behind a dead leader. */
  static final RetryPolicy WRITE_RETRIES =
      RetryPolicies.retryUpToMaximumCountWithFixedSleep(50, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
  /** After the longest a write waits for its answer: closing a client fails what still waits in it. */
  static final long RETIRED_CLIENT_CLOSE_MS = WRITE_ANSWER_TIMEOUT_MS + 5_000;
  private static final Logger log = LoggerFactory.getLogger(RaftWrites.class);

  /** Makes a client; {@code leader}: where its first request goes, null to let it find out. */
  interface Clients {
    RaftClient create(RaftPeerId leader, RetryPolicy retries);
  }

  private final Clients clients;
  /** The leader this node's own server follows now, or null. */
  private final Supplier<RaftPeerId> followedLeader;
  /** With TLS: signs what this node submits; null without. */
  private final CommandSignatures signatures;
  private final Timer commitLatency;
  private final RaftPeerId selfId;
  private volatile RaftClient client;
  private final Set<RaftClient> retiring = new HashSet<>();

  RaftWrites(Clients clients, Supplier<RaftPeerId> followedLeader, CommandSignatures signatures, Timer commitLatency,
      RaftPeerId selfId) {
    this.clients = clients;
    this.followedLeader = followedLeader;
    this.signatures = signatures;
    this.commitLatency = commitLatency;
    this.selfId = selfId;
    this.client = clients.create(null, WRITE_RETRIES);
  }

  /** Commits a command through the leader, or fails after {@link #WRITE_ANSWER_TIMEOUT_MS}. */
  CompletableFuture<CommandReply> submit(Command command) {
    return submit(command, WRITE_ANSWER_TIMEOUT_MS);
  }

  /**
   * Commits a command through the leader, or fails after {@code answerTimeoutMs} (it may still
   * commit later). Writes are unordered: each one is retried on its own, so one that gives up
   * or times out leaves the writes after it alone, where in Ratis' ordered stream it failed
   * every write behind it and the client had to be replaced, on new connections. Nothing
   * here needs the order: a report carries its sequence number and everything the one
   * before it carried, and the other writers send one command at a time (ticks are all alike).
   */
  CompletableFuture<CommandReply> submit(Command command, long answerTimeoutMs) {
    RaftClient used = client;
    Timer.Context timing = commitLatency.time();
    CompletableFuture<RaftClientReply> sent;
    try {
      Command signed = signatures == null ? command : signatures.sign(command);
      sent = UnorderedAsync.send(RaftClientRequest.writeRequestType(),
          Message.valueOf(ByteString.copyFrom(signed.toByteArray())), null, (RaftClientImpl) used);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent
        .orTimeout(answerTimeoutMs, TimeUnit.MILLISECONDS)
        .handle((reply, error) -> {
          if (error == null) {
            timing.stop(); // submitted to applied and answered: what a write costs this node
            return decodeReply(reply);
          }
          Optional<CommandReply> refused = refusedBeforeLog(error);
          if (refused.isPresent()) {
            timing.stop();
            return refused.get();
          }
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if ((cause instanceof TimeoutException || cause instanceof RaftRetryFailureException) && misdirected(used)) {
            replaceClient(used, cause.getClass().getSimpleName());
          }
          throw error instanceof CompletionException c ? c : new CompletionException(error);
        });
  }

  /**
   * A client that addresses a server other than the leader this node's own server follows (or
   * any while it follows none): after a request times out, Ratis' client tries a random other
   * server, and right after an election that is often not the new leader. A write that is
   * only slow keeps its client.
   */
  private boolean misdirected(RaftClient used) {
    RaftPeerId leader = followedLeader.get();
    return leader == null || !leader.equals(used.getLeaderId());
  }

  /**
   * Points this node's writes at the leader its own server now follows, on a fresh client,
   * when the client still addresses another: a request waiting on a frozen leader would
   * otherwise hold the client until its timeout.
   */
  void writeToCurrentLeader() {
    RaftPeerId leader = followedLeader.get();
    RaftClient current = client;
    if (leader != null && !leader.equals(current.getLeaderId())) {
      replaceClient(current, "leader is now " + leader);
    }
  }

  private void replaceClient(RaftClient replaced, String why) {
    synchronized (this) {
      if (client != replaced) {
        return; // another write already replaced it
      }
      // Straight to the leader this node's own server follows, when it knows one: a fresh
      // client would otherwise start at the first peer, possibly the one that just died.
      client = clients.create(followedLeader.get(), WRITE_RETRIES);
    }
    log.info("raft client replaced node={} reason=\"{}\"", selfId, why);
    // Closed later, not now: writes in flight on it (an operator's apply) may be about to commit.
    synchronized (retiring) {
      retiring.add(replaced);
    }
    CompletableFuture.delayedExecutor(RETIRED_CLIENT_CLOSE_MS, TimeUnit.MILLISECONDS).execute(() -> retire(replaced));
  }

  private void retire(RaftClient old) {
    synchronized (retiring) {
      if (!retiring.remove(old)) {
        return; // closed with the node
      }
    }
    try {
      old.close();
    } catch (IOException e) {
      log.warn("closing the replaced raft client failed node={} error=\"{}\"", selfId, e.getMessage());
    }
  }

  /**
   * A command the leader refused before appending it (it would have failed validation): the
   * same answer as a rejection at apply, so callers see one kind of "rejected". The refusal
   * comes back as a reply carrying the exception or as a failed future, depending on the
   * client's path, so both are mapped here.
   */
  private static Optional<CommandReply> refusedBeforeLog(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RejectedCommandException rejected) {
        return Optional.of(CommandReply.newBuilder().setAccepted(false).setError(rejected.getMessage()).build());
      }
    }
    return Optional.empty();
  }

  private static CommandReply decodeReply(RaftClientReply reply) {
    Optional<CommandReply> refused = refusedBeforeLog(reply.getException());
    if (refused.isPresent()) {
      return refused.get();
    }
    if (!reply.isSuccess()) {
      throw new CompletionException(reply.getException() != null
          ? reply.getException()
          : new IOException("command not committed"));
    }
    try {
      return CommandReply.parseFrom(reply.getMessage().getContent().toByteArray());
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  /**
   * The leader's applied index at a point in time it confirmed with a majority (a
   * linearizable read through the leader): a replica that has applied this far holds every
   * command committed before the call.
   */
  CompletableFuture<Long> readIndex() {
    return client.async().sendReadOnlyUnordered(Message.valueOf("read-index"))
        .orTimeout(WRITE_ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .thenApply(reply -> {
          if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException() != null ? reply.getException()
                : new IOException("read not served"));
          }
          return Long.parseLong(reply.getMessage().getContent().toStringUtf8());
        });
  }

  @Override
  public void close() throws IOException {
    List<RaftClient> old;
    synchronized (retiring) {
      old = List.copyOf(retiring);
      retiring.clear();
    }
    for (RaftClient c : old) {
      c.close();
    }
    client.close();
  }
}
