package dev.quorumwatch.node.alert;

import java.util.random.RandomGenerator;

/**
 * How long a receiver's lane waits after a failed attempt. When the service said how long
 * (HTTP 429 Retry-After, Telegram's retry_after), exactly that, up to {@code retryAfterMaxMs}:
 * waiting longer would delay the page, shorter would be refused again. Otherwise exponential
 * backoff with jitter: attempt n waits a random time in [d/2, d], d = min(max, base x 2^(n-1)).
 */
public final class RetryDelay {
  private final long baseMs;
  private final long maxMs;
  private final long retryAfterMaxMs;
  private final RandomGenerator random;

  public RetryDelay(long baseMs, long maxMs, long retryAfterMaxMs, RandomGenerator random) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.retryAfterMaxMs = retryAfterMaxMs;
    this.random = random;
  }

  public long delayMs(int attempt, long askedMs) {
    if (askedMs > 0) {
      return Math.min(askedMs, retryAfterMaxMs);
    }
    long ceiling = Math.min(maxMs, baseMs << Math.min(attempt - 1, 20));
    return ceiling / 2 + random.nextLong(ceiling / 2 + 1);
  }
}
