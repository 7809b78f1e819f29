package dev.quorumwatch.node.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's probe latency histogram and result counts per target, kept in a few primitive
 * arrays per target and turned into Prometheus series only when scraped. A Prometheus client
 * instrument per target (adders, an exemplar sampler, a buffer) took ~1.5 KB each: at 10,000
 * targets that pushed the node's 192 MiB heap into full collections long enough (~200 ms) to
 * lose the Raft leader every minute or so, and each leader change resent every node's full
 * view.
 */
final class ProbeSeries implements MultiCollector {
  static final String LATENCY = "quorumwatch_probe_latency_seconds";
  static final String RESULTS = "quorumwatch_probe_results";
  static final double[] UPPER_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      Double.POSITIVE_INFINITY};

  /** One target: bucket counts (not cumulative), the latency sum, and results by class. */
  private static final class Series {
    final long[] buckets = new long[UPPER_BOUNDS.length];
    double sumSeconds;
    final Map<String, long[]> results = new HashMap<>(4);
  }

  private final Map<String, Series> byTarget = new HashMap<>();

  synchronized void record(String target, String result, boolean ok, long latencyMs) {
    Series s = byTarget.computeIfAbsent(target, t -> new Series());
    s.results.computeIfAbsent(result, r -> new long[1])[0]++;
    if (ok) {
      double seconds = latencyMs / 1000.0;
      int bucket = 0;
      while (seconds > UPPER_BOUNDS[bucket]) {
        bucket++;
      }
      s.buckets[bucket]++;
      s.sumSeconds += seconds;
    }
  }

  synchronized void retain(Set<String> targets) {
    byTarget.keySet().retainAll(targets);
  }

  @Override
  public MetricSnapshots collect() {
    HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name(LATENCY)
        .help("This node's probe latency per target (successful probes)");
    CounterSnapshot.Builder results = CounterSnapshot.builder().name(RESULTS)
        .help("This node's probe results per target: ok, or the failure class");
    synchronized (this) {
      byTarget.forEach((target, s) -> {
        long count = 0;
        for (long b : s.buckets) {
          count += b;
        }
        if (count > 0) {
          latency.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
              .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, s.buckets.clone()))
              .sum(s.sumSeconds).labels(Labels.of("target", target)).build());
        }
        s.results.forEach((result, n) -> results.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .value(n[0]).labels(Labels.of("target", target, "result", result)).build()));
      });
    }
    return new MetricSnapshots(latency.build(), results.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(LATENCY, RESULTS);
  }
}
