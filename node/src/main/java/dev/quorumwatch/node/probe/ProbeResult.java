package dev.quorumwatch.node.probe;

/**
 * One probe's outcome. A failure always carries a failure class. {@code retryAfterMs} is the
 * server's own request to wait (HTTP 429 with Retry-After), 0 when it made none.
 */
public record ProbeResult(boolean ok, String failureClass, String detail, long latencyMs, long retryAfterMs) {
  public static ProbeResult success(long latencyMs) {
    return new ProbeResult(true, "", "", latencyMs, 0);
  }

  public static ProbeResult failure(String failureClass, String detail, long latencyMs) {
    return new ProbeResult(false, failureClass, detail, latencyMs, 0);
  }

  public static ProbeResult rateLimited(String detail, long latencyMs, long retryAfterMs) {
    return new ProbeResult(false, FailureClass.RATE_LIMITED, detail, latencyMs, retryAfterMs);
  }
}
