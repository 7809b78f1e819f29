package dev.quorumwatch.node.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One token bucket per API token: {@code burst} calls at once, refilled at {@code perSecond}.
 * One busy client slows only itself; the others keep their own budget.
 */
public final class TokenBuckets {
  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Map<String, double[]> buckets = new HashMap<>(); // name -> {tokens, last refill ns}

  public TokenBuckets(double perSecond, double burst, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /** 0 when the call may go ahead (and is counted), else how many milliseconds until it could. */
  public synchronized long take(String name) {
    long now = nanoTime.getAsLong();
    double[] b = buckets.computeIfAbsent(name, n -> new double[] {burst, now});
    b[0] = Math.min(burst, b[0] + (now - (long) b[1]) / 1e9 * perSecond);
    b[1] = now;
    if (b[0] >= 1) {
      b[0] -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - b[0]) / perSecond * 1000);
  }

  public double perSecond() {
    return perSecond;
  }

  public double burst() {
    return burst;
  }
}
