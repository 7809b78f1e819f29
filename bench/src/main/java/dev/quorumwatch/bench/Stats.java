package dev.quorumwatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Order statistics of a sample (nearest-rank). */
public record Stats(int count, double median, double p95, double max) {
  public static Stats of(List<? extends Number> values) {
    if (values.isEmpty()) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
    }
    List<Double> sorted = new ArrayList<>();
    values.forEach(v -> sorted.add(v.doubleValue()));
    Collections.sort(sorted);
    return new Stats(sorted.size(), quantile(sorted, 0.5), quantile(sorted, 0.95), sorted.get(sorted.size() - 1));
  }

  static double quantile(List<Double> sorted, double q) {
    if (q == 0.5 && sorted.size() % 2 == 0) {
      return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
