package dev.quorumwatch.node.report;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.node.raft.CommandSink;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.proto.ReportView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's view to the cluster: changes as soon as they happen, batched while a
 * write is in flight (one write at a time, so reports apply in the order they were made),
 * and a heartbeat every interval. After a failed write or a leader change the next report
 * carries the full view, so nothing a lost write carried stays lost.
 */
public final class Reporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reporter.class);
  static final long FAILURE_LOG_EVERY_MS = 30_000;

  private final String nodeId;
  private final String region;
  private final CommandSink sink;
  private final ViewChanges changes;
  private final Supplier<List<Observation>> fullView;
  private final Supplier<List<Observation>> withdrawals;
  private final ScheduledExecutorService timer;
  private final Histogram batchSizes;
  private final Map<String, Observation> pending = new LinkedHashMap<>();
  /**
   * This run of the node, and the number of its last report: the cluster applies a node's
   * reports in the order they were made even if an older write (on a replaced Raft client)
   * commits after a newer one.
   */
  private final long incarnation = System.currentTimeMillis();
  private long seq;
  private boolean sendFull = true;
  private boolean inFlight;
  /** Counts writes given up on: an answer to an older one changes nothing. */
  private long writeGeneration;
  /**
   * Writes left that get a short timeout and, failing, an immediate resend: right after a
   * leader change, a first write to the new leader sometimes hung for the whole timeout
   * (sent before it was ready), and the reports it held paged a second late.
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
      if (inFlight) {
        inFlight = false;
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
    boolean quick;
    ReportView.Builder report = ReportView.newBuilder().setNodeId(nodeId).setRegion(region).setIncarnation(incarnation)
        .setProtocol(Protocol.CURRENT);
    synchronized (this) {
      changes.drainInto(pending);
      // Then: a node back from a pause must not re-assert what it saw before it.
      for (Observation w : withdrawals.get()) {
        pending.put(w.getTargetId(), w);
      }
      if (inFlight || closed || (pending.isEmpty() && !heartbeatDue && !sendFull)) {
        return;
      }
      if (sendFull) {
        report.setFull(true).addAllObservations(fullView.get());
        sendFull = false;
      } else {
        report.addAllObservations(pending.values());
      }
      pending.clear();
      heartbeatDue = false;
      inFlight = true;
      report.setSeq(++seq);
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
        inFlight = false;
        boolean failed = error != null || !reply.getAccepted();
        if (failed) {
          sendFull = true;
          long now = System.currentTimeMillis();
          if (!lastWriteFailed) {
            failingSinceMs = now;
          }
          // The first failure, then one line every half minute while it lasts: silence would hide a stuck node.
          if (!lastWriteFailed || now - lastFailureLoggedMs >= FAILURE_LOG_EVERY_MS) {
            lastFailureLoggedMs = now;
            log.warn("report not committed node={} failing_for_ms={} error=\"{}\"", nodeId, now - failingSinceMs,
                error != null ? error.getMessage() : reply.getError());
          }
        } else if (lastWriteFailed) {
          log.info("reports committed again node={} after_ms={}", nodeId, System.currentTimeMillis() - failingSinceMs);
        }
        lastWriteFailed = failed;
        if (!failed) {
          quickRetriesLeft = 0;
        }
        if (closed || (failed && quickRetriesLeft == 0)) {
          return; // the next heartbeat retries, with the full view
        }
      }
      // Done, so the next report may go; or failed just after a leader change: resend now
      // (on the fresh client the failure brought) instead of at the next heartbeat.
      flush();
    });
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
  }
}
