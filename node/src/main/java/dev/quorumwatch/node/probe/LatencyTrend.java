package dev.quorumwatch.node.probe;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;

/**
 * A target's recent latencies: an exponentially weighted average and a robust line over the
 * last samples (Theil-Sen slope). It predicts a crossing of the slow threshold only for a
 * rise that is both statistically clear (a Mann-Kendall trend test at z of at least
 * {@link #Z_MIN}) and material (the rise over the window is at least {@link #RISE_MIN} of
 * the threshold): noise and spikes around a flat latency must not page anyone.
 */
final class LatencyTrend {
  static final double EWMA_WEIGHT = 0.3;
  static final double Z_MIN = 4.0;
  static final double RISE_MIN = 0.1;

  /** A projection: where the fitted line says latency is going. */
  record Projection(double ewmaMs, double slopeMsPerS, double crossesInS) {
    String describe(long thresholdMs) {
      return String.format(Locale.ROOT, "latency %.0f ms rising %.1f ms/s, reaches %d ms in ~%.0f s",
          ewmaMs, slopeMsPerS, thresholdMs, crossesInS);
    }
  }

  private final int window;
  private final ArrayDeque<double[]> samples = new ArrayDeque<>();
  private double ewma = Double.NaN;

  LatencyTrend(int window) {
    this.window = Math.max(5, window);
  }

  void add(long atMs, long latencyMs) {
    ewma = Double.isNaN(ewma) ? latencyMs : EWMA_WEIGHT * latencyMs + (1 - EWMA_WEIGHT) * ewma;
    samples.addLast(new double[] {atMs / 1000.0, latencyMs});
    while (samples.size() > window) {
      samples.removeFirst();
    }
  }

  double ewmaMs() {
    return ewma;
  }

  /**
   * The projection when the trend will cross {@code thresholdMs} within {@code horizonMs}
   * and the rise is clear and material; null otherwise.
   */
  Projection crossingWithin(long thresholdMs, long horizonMs) {
    int n = samples.size();
    if (n < window || thresholdMs <= 0 || horizonMs <= 0) {
      return null;
    }
    double[][] points = samples.toArray(new double[0][]);
    // Mann-Kendall: how much more often a later sample is higher than an earlier one than
    // chance would give. Rank-based, so one spike cannot fake a trend.
    int s = 0;
    double[] slopes = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        s += Double.compare(points[j][1], points[i][1]);
        slopes[k++] = (points[j][1] - points[i][1]) / (points[j][0] - points[i][0]);
      }
    }
    double z = (s - Math.signum(s)) / Math.sqrt(n * (n - 1) * (2.0 * n + 5) / 18);
    // Theil-Sen: the median of pairwise slopes, in ms per second.
    Arrays.sort(slopes, 0, k);
    double slope = k % 2 == 1 ? slopes[k / 2] : (slopes[k / 2 - 1] + slopes[k / 2]) / 2;
    double span = points[n - 1][0] - points[0][0];
    if (z < Z_MIN || slope <= 0 || slope * span < RISE_MIN * thresholdMs) {
      return null;
    }
    // Where the line is now: through the median point of the window, with the robust slope.
    double[] latencies = new double[n];
    for (int i = 0; i < n; i++) {
      latencies[i] = points[i][1] - slope * (points[i][0] - points[n - 1][0]);
    }
    Arrays.sort(latencies);
    double now = latencies[n / 2];
    double crossesInS = (thresholdMs - now) / slope;
    if (crossesInS * 1000 > horizonMs) {
      return null;
    }
    return new Projection(ewma, slope, Math.max(0, crossesInS));
  }
}
