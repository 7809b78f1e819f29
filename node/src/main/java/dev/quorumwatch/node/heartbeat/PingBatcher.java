package dev.quorumwatch.node.heartbeat;

import dev.quorumwatch.node.raft.CommandSink;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Ping;
import dev.quorumwatch.proto.Pings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Commits pings through Raft, the ones that arrive while a write is under way together in the
 * next write (a group commit): one write per round trip to the leader, however many jobs ping
 * at once. Each ping's future completes when its write is applied (null) or fails with why.
 */
public final class PingBatcher {
  /** Pings waiting for a write; more are refused at once, so the job's retry can go elsewhere. */
  public static final int WAITING_MAX = 10_000;
  /** Pings in one write (the coordinator accepts at most 1,000 per command). */
  static final int PER_WRITE_MAX = 500;
  /** Body characters in one write (a mebibyte of ASCII): a Raft entry stays small however much the jobs report. */
  static final int BODY_CHARS_PER_WRITE_MAX = 1024 * 1024;
  /** A ping that is not committed within this is answered as failed; the job may retry. */
  static final long WRITE_TIMEOUT_MS = 10_000;

  private record Waiting(Ping ping, CompletableFuture<Void> done) {}

  private final CommandSink sink;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private boolean writing;

  public PingBatcher(CommandSink sink) {
    this.sink = sink;
  }

  public CompletableFuture<Void> submit(Ping ping) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (this) {
      if (waiting.size() >= WAITING_MAX) {
        done.completeExceptionally(new IllegalStateException("too many pings waiting for the cluster"));
        return done;
      }
      waiting.add(new Waiting(ping, done));
      if (writing) {
        return done; // goes with the next write
      }
      writing = true;
    }
    writeNext();
    return done;
  }

  private void writeNext() {
    List<Waiting> batch = new ArrayList<>();
    synchronized (this) {
      long bodyChars = 0;
      while (!waiting.isEmpty() && batch.size() < PER_WRITE_MAX
          && (batch.isEmpty() || bodyChars + waiting.peek().ping().getBody().length() <= BODY_CHARS_PER_WRITE_MAX)) {
        Waiting next = waiting.poll();
        bodyChars += next.ping().getBody().length();
        batch.add(next);
      }
      if (batch.isEmpty()) {
        writing = false;
        return;
      }
    }
    Pings.Builder pings = Pings.newBuilder();
    batch.forEach(w -> pings.addPings(w.ping()));
    sink.submit(Command.newBuilder().setPings(pings).build(), WRITE_TIMEOUT_MS).whenComplete((reply, error) -> {
      for (Waiting w : batch) {
        if (error != null) {
          w.done().completeExceptionally(error);
        } else if (!reply.getAccepted()) {
          w.done().completeExceptionally(new IllegalStateException(reply.getError()));
        } else {
          w.done().complete(null);
        }
      }
      writeNext();
    });
  }
}
