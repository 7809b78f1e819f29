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
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's writes into the log, and its linearizable reads through the leader: one Raft
 * client, replaced when it gets stuck, with the replaced ones closed a little later.
 */
final class RaftWrites implements AutoCloseable {
  static final long CLIENT_REQUEST_TIMEOUT_MS = 1_000;
  /** Well past the client's own retry budget (~5 s without a leader). */
  static final long WRITE_ANSWER_TIMEOUT_MS = 15_000;
  /** Bounded: a caller that gets no answer in ~5 s resends its own way (the reporter with a
   * full view at the next heartbeat), rather than queueing behind a dead leader. */
  static final RetryPolicy WRITE_RETRIES =
      RetryPolicies.retryUpToMaximumCountWithFixedSleep(50, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
  static final long RETIRED_CLIENT_CLOSE_MS = 10_000;
  /**
   * A client that has answered nothing for this long is stuck whatever it addresses: Ratis'
   * client has resent a request itself by then ({@link #CLIENT_REQUEST_TIMEOUT_MS}).
   */
  static final long STUCK_AFTER_MS = 2 * CLIENT_REQUEST_TIMEOUT_MS;
  private static final Logger log = LoggerFactory.getLogger(RaftWrites.class);

  /** Makes a client; {@code leader}: where its first request goes, null to let it find out. */
  interface Clients {
    RaftClient create(RaftPeerId leader, long requestTimeoutMs, RetryPolicy retries);
  }

  private final Clients clients;
  /** The leader this node's own server follows now, or null. */
  private final Supplier<RaftPeerId> followedLeader;
  /** With TLS: signs what this node submits; null without. */
  private final CommandSignatures signatures;
  private final Timer commitLatency;
  private final RaftPeerId selfId;
  private volatile RaftClient client;
  /** When {@link #client} was made or last answered a write ({@link System#nanoTime()}). */
  private volatile long clientAnsweredNanos = System.nanoTime();
  private final Set<RaftClient> retiring = new HashSet<>();

  RaftWrites(Clients clients, Supplier<RaftPeerId> followedLeader, CommandSignatures signatures, Timer commitLatency,
      RaftPeerId selfId) {
    this.clients = clients;
    this.followedLeader = followedLeader;
    this.signatures = signatures;
    this.commitLatency = commitLatency;
    this.selfId = selfId;
    this.client = clients.create(null, CLIENT_REQUEST_TIMEOUT_MS, WRITE_RETRIES);
  }

  /**
   * Commits a command through the leader. After a write gives up (its retries ran out while
   * there was no leader) or gets no answer within {@link #WRITE_ANSWER_TIMEOUT_MS} (or the
   * caller's own, shorter limit), the client is replaced: its ordered stream does not recover from a write that gave up, and
   * everything this node writes afterwards (heartbeats included) would fail or wait forever.
   */
  CompletableFuture<CommandReply> submit(Command command) {
    return submit(command, WRITE_ANSWER_TIMEOUT_MS);
  }

  CompletableFuture<CommandReply> submit(Command command, long answerTimeoutMs) {
    return send(command, answerTimeoutMs, true);
  }

  /**
   * {@code retryClosed}: a client whose ordered stream was closed (an earlier request in it
   * gave up) fails the requests queued behind that one; the server holds those back behind the
   * failed one, so they were not applied, and one resend on the fresh client is safe.
   */
  private CompletableFuture<CommandReply> send(Command command, long answerTimeoutMs, boolean retryClosed) {
    RaftClient used = client;
    Timer.Context timing = commitLatency.time();
    CompletableFuture<RaftClientReply> sent;
    try {
      Command signed = signatures == null ? command : signatures.sign(command);
      sent = used.async().send(Message.valueOf(ByteString.copyFrom(signed.toByteArray())));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent
        .orTimeout(answerTimeoutMs, TimeUnit.MILLISECONDS)
        .handle((reply, error) -> {
          if (error == null) {
            if (used == client) {
              clientAnsweredNanos = System.nanoTime();
            }
            timing.stop(); // submitted to applied and answered: what a write costs this node
            return CompletableFuture.completedFuture(decodeReply(reply));
          }
          Optional<CommandReply> refused = refusedBeforeLog(error);
          if (refused.isPresent()) {
            timing.stop();
            return CompletableFuture.completedFuture(refused.get());
          }
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause instanceof RaftRetryFailureException || cause instanceof AlreadyClosedException
              || (cause instanceof TimeoutException && (misdirected(used) || stuck()))) {
            replaceClient(used, cause.getClass().getSimpleName());
          }
          if (retryClosed && cause instanceof AlreadyClosedException) {
            return send(command, answerTimeoutMs, false);
          }
          return CompletableFuture.<CommandReply>failedFuture(error);
        })
        .thenCompose(f -> f);
  }

  /**
   * A client that addresses a server other than the leader this node's own server follows (or
   * any while it follows none). A write that times out replaces its client only then, or when
   * the client is {@link #stuck()}: across continents a fresh client's first write takes a
   * connection and two round trips, and a new client would only start that over.
   */
  private boolean misdirected(RaftClient used) {
    RaftPeerId leader = followedLeader.get();
    return leader == null || !leader.equals(used.getLeaderId());
  }

  private boolean stuck() {
    return System.nanoTime() - clientAnsweredNanos >= TimeUnit.MILLISECONDS.toNanos(STUCK_AFTER_MS);
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

  private void replaceClient(RaftClient stuck, String why) {
    synchronized (this) {
      if (client != stuck) {
        return; // another write already replaced it
      }
      // Straight to the leader this node's own server follows, when it knows one: a fresh
      // client would otherwise start at the first peer, possibly the one that just died.
      client = clients.create(followedLeader.get(), CLIENT_REQUEST_TIMEOUT_MS, WRITE_RETRIES);
      clientAnsweredNanos = System.nanoTime();
    }
    log.warn("raft client replaced node={} reason=\"{}\"", selfId, why);
    // Closed later, not now: other writes in flight on it (an operator's apply) may be
    // healthy and about to commit; closing would fail them although only one writer was stuck.
    synchronized (retiring) {
      retiring.add(stuck);
    }
    CompletableFuture.delayedExecutor(RETIRED_CLIENT_CLOSE_MS, TimeUnit.MILLISECONDS).execute(() -> retire(stuck));
  }

  private void retire(RaftClient old) {
    synchronized (retiring) {
      if (!retiring.remove(old)) {
        return; // closed with the node
      }
    }
    try {
      old.close(); // fails what still waits in it; each writer retries its own way
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
    return client.async().sendReadOnly(Message.valueOf("read-index"))
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
