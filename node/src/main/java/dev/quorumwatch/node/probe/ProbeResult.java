package dev.quorumwatch.node.probe;

/**
 * One probe's outcome. A failure always carries a failure class. {@code retryAfterMs} is the
 * server's own request to wait (HTTP 429 with Retry-After), 0 when it made none;
 * {@code certNotAfterMs} the expiry of the server's TLS certificate, 0 when there was none.
 */
public record ProbeResult(boolean ok, String failureClass, String detail, long latencyMs, long retryAfterMs,
    long certNotAfterMs) {
  public static ProbeResult success(long latencyMs) {
    return new ProbeResult(true, "", "", latencyMs, 0, 0);
  }

  public static ProbeResult failure(String failureClass, String detail, long latencyMs) {
    return new ProbeResult(false, failureClass, detail, latencyMs, 0, 0);
  }

  public static ProbeResult rateLimited(String detail, long latencyMs, long retryAfterMs) {
    return new ProbeResult(false, FailureClass.RATE_LIMITED, detail, latencyMs, retryAfterMs, 0);
  }

  public ProbeResult withCertificateExpiry(long notAfterMs) {
    return new ProbeResult(ok, failureClass, detail, latencyMs, retryAfterMs, notAfterMs);
  }
}
