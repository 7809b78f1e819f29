package dev.quorumwatch.node.report;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.node.raft.CommandSink;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.proto.ReportView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's view to the cluster: changes as soon as they happen, and a heartbeat
 * every interval. A change does not wait for the write in flight: it goes out at once in a
 * second write that carries everything the first one did too, so whichever of the two the
 * cluster applies last (it ignores a report older than one applied) leaves the node's
 * latest view in place. Changes that come while two writes are in flight go out together
 * in the next one. After a failed write or a leader change the next report carries the
 * full view, so nothing a lost write carried stays lost.
 */
public final class Reporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reporter.class);
  static final long FAILURE_LOG_EVERY_MS = 30_000;
  /**
   * Writes in flight at most: one, and a second for a change that came meanwhile. Across
   * regions a write takes one or two round trips, and a vote that waited behind a heartbeat
   * paged that much later; a third would only add writes without sending anything sooner.
   */
  static final int IN_FLIGHT_MAX = 2;

  private final String nodeId;
  private final String region;
  private final CommandSink sink;
  private final ViewChanges changes;
  private final Supplier<List<Observation>> fullView;
  private final Supplier<List<Observation>> withdrawals;
  private final ScheduledExecutorService timer;
  private final Histogram batchSizes;
  /** Reports not committed (timed out, refused, no leader): a node whose writes keep failing goes stale. */
  private final Meter failedWrites;
  private final Map<String, Observation> pending = new LinkedHashMap<>();
  /** What the writes in flight carry (the newest of them carries all of it), and whether as a full view. */
  private final Map<String, Observation> unconfirmed = new LinkedHashMap<>();
  private boolean unconfirmedFull;
  /**
   * This run of the node, and the number of its last report: the cluster applies a node's
   * reports in the order they were made even if an older write (writes are unordered, each
   * retried on its own) commits after a newer one.
   */
  private final long incarnation = System.currentTimeMillis();
  private long seq;
  private boolean sendFull = true;
  private int inFlight;
  /** Counts writes given up on: an answer to an older one changes nothing. */
  private long writeGeneration;
  /**
   * Writes left that get a short timeout and, failing, an immediate resend: right after a
   * leader change, a first write can go astray (after a request times out, Ratis' client
   * tries a random other server), and the reports it held paged a second late. The timeout replaces such a client
   * (RaftWrites); a write that is only slow keeps its client and commits behind the resend.
   * A timeout scaled to the node's write times paged later after a leader kill than this
   * quarter of the usual timeout (0.3 s later, median of 15), so the quarter stays.
   */
  private int quickRetriesLeft;
  static final int QUICK_RETRIES = 3;
  private boolean heartbeatDue;
  private boolean closed;
  private boolean lastWriteFailed;
  private long failingSinceMs;
  private long lastFailureLoggedMs;
  private ScheduledFuture<?> heartbeats;
  private volatile long writeTimeoutMs = 2_000;

  /**
   * @param changes where the probes put what changed; sent as soon as no write is in flight
   * @param fullView everything the node thinks, for a full report
   * @param withdrawals opinions dropped as outdated since the last call, reported with the next write
   */
  public Reporter(String nodeId, String region, CommandSink sink, ViewChanges changes,
      Supplier<List<Observation>> fullView, Supplier<List<Observation>> withdrawals, ScheduledExecutorService timer,
      MetricRegistry metrics) {
    this.nodeId = nodeId;
    this.region = region;
    this.sink = sink;
    this.changes = changes;
    this.fullView = fullView;
    this.withdrawals = withdrawals;
    this.timer = timer;
    this.batchSizes = metrics.histogram("quorumwatch.reporter.batch_size");
    this.failedWrites = metrics.meter("quorumwatch.reporter.writes_failed");
    changes.onChange(this::flush);
  }

  public void start(long heartbeatIntervalMs) {
    // A report still unanswered after two heartbeats is resent with the full view on a fresh
    // client rather than waited for: waiting longer would let this node go stale.
    writeTimeoutMs = 2 * heartbeatIntervalMs;
    heartbeats = timer.scheduleAtFixedRate(this::heartbeat, 0, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * A new leader may not have seen writes that were in flight: resend everything, now. A
   * write still in flight is given up on rather than waited for: sent to a leader that froze
   * (a long GC pause, a stalled VM), it would hold every report back until its timeout, two
   * heartbeats, and the outage it carries would page that much later. If it commits after
   * all, the cluster ignores it: the full view carries a later sequence number.
   */
  public void onLeaderChanged() {
    synchronized (this) {
      sendFull = true;
      quickRetriesLeft = QUICK_RETRIES;
      if (inFlight > 0) {
        inFlight = 0;
        writeGeneration++;
      }
    }
    flush();
  }

  private void heartbeat() {
    synchronized (this) {
      heartbeatDue = true;
    }
    try {
      flush();
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: this node would fall silent for good.
      log.warn("report failed node={} error=\"{}\"", nodeId, e.toString());
    }
  }

  private void flush() {
    long generation;
    long sentSeq;
    boolean quick;
    ReportView.Builder report = ReportView.newBuilder().setNodeId(nodeId).setRegion(region).setIncarnation(incarnation)
        .setProtocol(Protocol.CURRENT);
    synchronized (this) {
      changes.drainInto(pending);
      // Then: a node back from a pause must not re-assert what it saw before it.
      for (Observation w : withdrawals.get()) {
        pending.put(w.getTargetId(), w);
      }
      boolean due = inFlight == 0 ? !pending.isEmpty() || heartbeatDue || sendFull
          : inFlight < IN_FLIGHT_MAX && !pending.isEmpty(); // only a change is worth a second write
      if (closed || !due) {
        return;
      }
      if (inFlight == 0) {
        unconfirmed.clear();
        unconfirmedFull = false;
      }
      if (sendFull) {
        unconfirmed.clear();
        fullView.get().forEach(o -> unconfirmed.put(o.getTargetId(), o));
        unconfirmedFull = true;
        sendFull = false;
      } else {
        unconfirmed.putAll(pending); // on top of what a write in flight carries, which this one supersedes
      }
      report.setFull(unconfirmedFull).addAllObservations(unconfirmed.values());
      pending.clear();
      heartbeatDue = false;
      inFlight++;
      sentSeq = ++seq;
      report.setSeq(sentSeq);
      generation = writeGeneration;
      quick = quickRetriesLeft > 0;
      if (quick) {
        quickRetriesLeft--;
      }
    }
    batchSizes.update(report.getObservationsCount());
    long timeoutMs = quick ? writeTimeoutMs / 4 : writeTimeoutMs;
    sink.submit(Command.newBuilder().setReportView(report).build(), timeoutMs).whenComplete((reply, error) -> {
      synchronized (this) {
        if (generation != writeGeneration) {
          return; // given up on at a leader change; a later write has taken its place
        }
        inFlight--;
        boolean failed = error != null || !reply.getAccepted();
        if (!failed && sentSeq == seq) {
          unconfirmed.clear(); // the newest write committed, and with it all the others carried
          unconfirmedFull = false;
        }
        // A quick write that ran out of its short timeout with another quick attempt left is
        // our impatience, not a failure: it may still commit (far away, it often does), and
        // the resend goes now. Counted and logged, a far node would warn at every leader change.
        boolean resentEarly = failed && quick && quickRetriesLeft > 0 && timedOut(error);
        if (failed) {
          sendFull = true;
          if (!resentEarly) {
            noteFailure(error, reply);
          }
        } else if (lastWriteFailed) {
          log.info("reports committed again node={} after_ms={}", nodeId, System.currentTimeMillis() - failingSinceMs);
        }
        if (!resentEarly) {
          lastWriteFailed = failed;
        }
        if (!failed) {
          quickRetriesLeft = 0;
        }
        if (closed || (failed && quickRetriesLeft == 0)) {
          return; // the next heartbeat retries, with the full view
        }
      }
      // Done, so the next report may go; or failed just after a leader change: resend now
      // (on a fresh client if the failure found the old one addressing another server)
      // instead of at the next heartbeat.
      flush();
    });
  }

  /**
   * Counts a failed write and logs the first, then one line every half minute while failures
   * last: silence would hide a stuck node. Called with this object's lock held.
   */
  private void noteFailure(Throwable error, CommandReply reply) {
    failedWrites.mark();
    long now = System.currentTimeMillis();
    if (!lastWriteFailed) {
      failingSinceMs = now;
    }
    if (!lastWriteFailed || now - lastFailureLoggedMs >= FAILURE_LOG_EVERY_MS) {
      lastFailureLoggedMs = now;
      log.warn("report not committed node={} failing_for_ms={} error=\"{}\"", nodeId, now - failingSinceMs,
          error != null ? error.getMessage() : reply.getError());
    }
  }

  private static boolean timedOut(Throwable error) {
    return error instanceof TimeoutException
        || error instanceof CompletionException && error.getCause() instanceof TimeoutException;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
  }
}
