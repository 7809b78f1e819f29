package dev.quorumwatch.node.probe;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.TargetSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every configured target on its interval and keeps this node's local view. Each
 * target starts at its own phase within the interval (a hash of node and target), so
 * probes spread over time and nodes do not hit a target in lockstep.
 */
public final class ProbeScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);
  static final long DEFAULT_MAX_INTERVAL_MS = 60_000;
  /** Far above what one node's sockets and CPU sustain at once; a burst beyond waits instead of failing. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 2048;
  /** Shorter stalls (young collections, a busy loop) do not explain a timeout. */
  static final long MIN_STALL_EXCUSING_TIMEOUT_MS = 100;

  private final String nodeId;
  private final ScheduledExecutorService timer;
  private final Function<TargetSpec, Prober> probers;
  private final Consumer<Observation> onViewChange;
  private final ResultListener onResult;
  private final Meter probes;
  private final Meter probeFailures;
  private final Meter timeoutsAcrossStalls;
  private final StallSource stalls;
  /** Seconds on /metrics: Prometheus names carry base units. */
  private final Timer scheduleLag;
  private final Map<String, Scheduled> scheduled = new HashMap<>();
  private final ArrayDeque<Scheduled> waiting = new ArrayDeque<>();
  private final int maxInFlight;
  private int inFlight;

  private final class Scheduled {
    final TargetSpec spec;
    final Debounce view;
    ScheduledFuture<?> task;
    boolean inFlight;
    long nextDueMs;
    long intervalMs;
    final ProbeStats.Window window = new ProbeStats.Window();

    Scheduled(TargetSpec spec, Debounce view) {
      this.spec = spec;
      this.view = view;
      this.intervalMs = spec.getIntervalMs();
    }

    long maxIntervalMs() {
      return spec.getMaxIntervalMs() > 0 ? spec.getMaxIntervalMs()
          : Math.max(spec.getIntervalMs(), DEFAULT_MAX_INTERVAL_MS);
    }
  }

  /** Every probe's outcome, for per-target metrics: target id, ok, failure class, latency. */
  public interface ResultListener {
    void onResult(String targetId, boolean ok, String failureClass, long latencyMs);
  }

  /** How long this node's probe loops were held up within a span of {@link System#nanoTime()}. */
  public interface StallSource {
    StallSource NONE = (fromNs, toNs) -> 0;

    long stalledMs(long fromNs, long toNs);

    /** A probe starts: stalls need watching until it is judged. */
    default void probeStarted() {
    }

    /** A probe started earlier is judged: its stalls are no longer asked for. */
    default void probeEnded() {
    }
  }

  public ProbeScheduler(String nodeId, ScheduledExecutorService timer, Function<TargetSpec, Prober> probers,
      Consumer<Observation> onViewChange, MetricRegistry metrics) {
    this(nodeId, timer, probers, onViewChange, metrics, (t, ok, c, l) -> { }, StallSource.NONE, DEFAULT_MAX_IN_FLIGHT);
  }

  /** {@code stalls}: when the probe loops were held up (ProbeEngine.stalls()). */
  public ProbeScheduler(String nodeId, ScheduledExecutorService timer, Function<TargetSpec, Prober> probers,
      Consumer<Observation> onViewChange, MetricRegistry metrics, ResultListener onResult, StallSource stalls) {
    this(nodeId, timer, probers, onViewChange, metrics, onResult, stalls, DEFAULT_MAX_IN_FLIGHT);
  }

  /** {@code maxInFlight} bounds the probes running at once; more wait their turn, oldest first. */
  public ProbeScheduler(String nodeId, ScheduledExecutorService timer, Function<TargetSpec, Prober> probers,
      Consumer<Observation> onViewChange, MetricRegistry metrics, ResultListener onResult, StallSource stalls,
      int maxInFlight) {
    this.maxInFlight = maxInFlight;
    this.onResult = onResult;
    this.stalls = stalls;
    metrics.register("quorumwatch.probes.waiting", (Gauge<Integer>) this::waitingCount);
    this.nodeId = nodeId;
    this.timer = timer;
    this.probers = probers;
    this.onViewChange = onViewChange;
    this.probes = metrics.meter("quorumwatch.probes");
    this.probeFailures = metrics.meter("quorumwatch.probe_failures");
    this.timeoutsAcrossStalls = metrics.meter("quorumwatch.probe_timeouts_across_stalls");
    this.scheduleLag = metrics.timer("quorumwatch.probe.schedule_lag_seconds");
  }

  /**
   * Makes the probed set equal to {@code targets}: new ones start, removed ones stop, changed ones
   * restart. Heartbeat targets are not probed (their jobs ping the cluster).
   */
  public synchronized void reconcile(List<TargetSpec> all) {
    List<TargetSpec> targets = all.stream().filter(t -> !t.hasHeartbeat()).toList();
    Map<String, TargetSpec> wanted = new HashMap<>();
    for (TargetSpec t : targets) {
      wanted.put(t.getId(), t);
    }
    for (String id : new ArrayList<>(scheduled.keySet())) {
      TargetSpec next = wanted.get(id);
      if (next == null || !next.equals(scheduled.get(id).spec)) {
        scheduled.remove(id).task.cancel(false);
      }
    }
    for (TargetSpec t : targets) {
      if (!scheduled.containsKey(t.getId())) {
        Scheduled s = new Scheduled(t, new Debounce(t.getId()));
        long phaseMs = Math.floorMod((nodeId + "/" + t.getId()).hashCode(), (int) t.getIntervalMs());
        s.nextDueMs = System.currentTimeMillis() + phaseMs;
        s.task = timer.schedule(() -> launch(s), phaseMs, TimeUnit.MILLISECONDS);
        scheduled.put(t.getId(), s);
      }
    }
  }

  private void launch(Scheduled s) {
    long nowMs = System.currentTimeMillis();
    synchronized (this) {
      if (scheduled.get(s.spec.getId()) != s) {
        return; // the target was removed or changed
      }
      scheduleLag.update(Math.max(0, nowMs - s.nextDueMs), TimeUnit.MILLISECONDS);
      s.nextDueMs += s.intervalMs;
      s.task = timer.schedule(() -> launch(s), Math.max(0, s.nextDueMs - nowMs), TimeUnit.MILLISECONDS);
      if (s.inFlight) {
        return; // the previous probe still runs (it will time out), or waits for a slot
      }
      s.inFlight = true;
      if (inFlight >= maxInFlight) {
        waiting.addLast(s); // started as soon as a probe in flight ends
        return;
      }
      inFlight++;
    }
    start(s);
  }

  private void start(Scheduled s) {
    stalls.probeStarted(); // before the probe's start time, so a stall from its first moment shows
    long startNs = System.nanoTime();
    probers.apply(s.spec).probe(s.spec).whenComplete((result, error) -> {
      ProbeResult r;
      try {
        r = acrossStall(s.spec, error != null
            ? ProbeResult.failure(FailureClass.of(error), FailureClass.describe(error), 0)
            : result, startNs);
      } finally {
        stalls.probeEnded();
      }
      Observation changed = null;
      Scheduled next;
      synchronized (this) {
        s.inFlight = false;
        next = nextWaiting();
        if (next == null) {
          inFlight--;
        }
        if (scheduled.get(s.spec.getId()) == s) {
          probes.mark();
          onResult.onResult(s.spec.getId(), r.ok(), r.failureClass(), r.latencyMs());
          s.window.add(r);
          if (!r.ok()) {
            probeFailures.mark();
          }
          if (!FailureClass.NODE_STALLED.equals(r.failureClass())) {
            adaptInterval(s, r); // a stall is no answer, so no reason to change pace
          }
          if (s.view.recordFor(s.spec, r, System.currentTimeMillis())) {
            changed = s.view.observation();
          }
        }
      }
      if (next != null) {
        start(next); // takes over this probe's slot
      }
      if (changed != null) {
        log.info("local view changed target={} state={} class={} detail=\"{}\"", changed.getTargetId(),
            changed.getState().name().replace("VOTE_", "").toLowerCase(Locale.ROOT), changed.getFailureClass(),
            changed.getDetail());
        onViewChange.accept(changed);
      }
    });
  }

  /**
   * A timeout across a stall of this node's probe loops of at least a tenth of the timeout
   * (and {@link #MIN_STALL_EXCUSING_TIMEOUT_MS}) becomes {@link FailureClass#NODE_STALLED},
   * which counts neither way: the answer may have sat in the socket while the loop was held.
   * Without this, a starved or paused node voted its targets down (a two-hour soak beside a
   * build paged from two such nodes).
   */
  private ProbeResult acrossStall(TargetSpec spec, ProbeResult r, long startNs) {
    if (r.ok() || !FailureClass.TIMEOUT.equals(r.failureClass())) {
      return r;
    }
    long stalledMs = stalls.stalledMs(startNs, System.nanoTime());
    if (stalledMs < Math.max(MIN_STALL_EXCUSING_TIMEOUT_MS, spec.getTimeoutMs() / 10)) {
      return r;
    }
    timeoutsAcrossStalls.mark();
    return ProbeResult.failure(FailureClass.NODE_STALLED,
        "this node's probe loop stalled " + stalledMs + " ms during the probe (" + r.detail() + ")", r.latencyMs());
  }

  /** The longest-waiting probe of a target still configured; null when none waits. */
  private Scheduled nextWaiting() {
    Scheduled next;
    while ((next = waiting.pollFirst()) != null) {
      if (scheduled.get(next.spec.getId()) == next) {
        return next;
      }
      next.inFlight = false;
    }
    return null;
  }

  /**
   * Backs off while the target rate-limits us: exactly what Retry-After asks (never longer:
   * each extra second is a second the monitor is blind), or, without it, double the interval;
   * up to the maximum, and the next probe moves out at once. The first answer that is not a
   * 429 brings the configured interval back: a slow return once left a target probed every
   * 30 s for a minute after a 15 s episode, and an outage then paged 25 s late.
   */
  private void adaptInterval(Scheduled s, ProbeResult r) {
    long base = s.spec.getIntervalMs();
    if (FailureClass.RATE_LIMITED.equals(r.failureClass())) {
      long asked = r.retryAfterMs() > 0 ? Math.max(base, r.retryAfterMs()) : s.intervalMs * 2;
      long next = Math.min(s.maxIntervalMs(), asked);
      if (next != s.intervalMs) {
        s.intervalMs = next;
        s.task.cancel(false);
        long nowMs = System.currentTimeMillis();
        s.nextDueMs = nowMs + next;
        s.task = timer.schedule(() -> launch(s), next, TimeUnit.MILLISECONDS);
        log.info("probe interval backed off target={} interval_ms={} retry_after_ms={}", s.spec.getId(), next,
            r.retryAfterMs());
      }
    } else if (s.intervalMs > base) {
      s.intervalMs = base;
      log.info("probe interval restored target={} interval_ms={}", s.spec.getId(), base);
    }
  }

  /** Each target's probes since the last call (for the per-minute status report). */
  public synchronized Map<String, ProbeStats> drainStats() {
    Map<String, ProbeStats> out = new HashMap<>();
    scheduled.forEach((id, s) -> out.put(id, s.window.drain()));
    return out;
  }

  synchronized int waitingCount() {
    return waiting.size();
  }

  /** The interval a target is probed at now (longer than configured while it rate-limits us). */
  public synchronized long currentIntervalMs(String targetId) {
    Scheduled s = scheduled.get(targetId);
    return s == null ? 0 : s.intervalMs;
  }

  /**
   * Everything this node currently thinks, for a full report; targets it has no opinion on
   * (yet) are included as such, so that votes from before a restart are withdrawn.
   */
  public synchronized List<Observation> fullView() {
    List<Observation> view = new ArrayList<>();
    for (Scheduled s : scheduled.values()) {
      view.add(s.view.observation());
    }
    return view;
  }

  /**
   * Opinions whose latest probe result is older than two intervals plus the timeout (after
   * a pause of this process, say), dropped now and returned as withdrawals to report. The
   * interval is the current one: a target that asked us to wait is not outdated for waiting.
   */
  public synchronized List<Observation> withdrawOutdated() {
    long nowMs = System.currentTimeMillis();
    List<Observation> withdrawn = new ArrayList<>();
    for (Scheduled s : scheduled.values()) {
      if (s.view.dropIfOutdated(nowMs, 2 * s.intervalMs + s.spec.getTimeoutMs())) {
        withdrawn.add(s.view.observation());
      }
    }
    if (!withdrawn.isEmpty()) {
      log.info("local views withdrawn, probe results too old count={}", withdrawn.size());
    }
    return withdrawn;
  }

  @Override
  public synchronized void close() {
    scheduled.values().forEach(s -> s.task.cancel(false));
    scheduled.clear();
  }
}
