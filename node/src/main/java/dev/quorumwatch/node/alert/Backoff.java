package dev.quorumwatch.node.alert;

import java.util.random.RandomGenerator;

/** Exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(max, base x 2^(n-1)). */
public final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private final RandomGenerator random;

  public Backoff(long baseMs, long maxMs, RandomGenerator random) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  public long delayMs(int attempt) {
    long ceiling = Math.min(maxMs, baseMs << Math.min(attempt - 1, 20));
    return ceiling / 2 + random.nextLong(ceiling / 2 + 1);
  }
}
