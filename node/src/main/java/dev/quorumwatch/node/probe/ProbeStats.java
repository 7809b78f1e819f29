package dev.quorumwatch.node.probe;

import java.util.Arrays;

/** One target's probes since the last look: how many, how many good, and their median latency. */
public record ProbeStats(int total, int ok, long medianLatencyMs) {
  /** Accumulates one window's results; owned by the scheduler's lock. */
  static final class Window {
    private int total;
    private int ok;
    private long[] latencies = new long[16];

    void add(ProbeResult r) {
      if (total == latencies.length) {
        latencies = Arrays.copyOf(latencies, total * 2);
      }
      latencies[total++] = r.latencyMs();
      if (r.ok()) {
        ok++;
      }
    }

    ProbeStats drain() {
      long[] sorted = Arrays.copyOf(latencies, total);
      Arrays.sort(sorted);
      ProbeStats stats = new ProbeStats(total, ok, total == 0 ? 0 : sorted[total / 2]);
      total = 0;
      ok = 0;
      return stats;
    }
  }
}
