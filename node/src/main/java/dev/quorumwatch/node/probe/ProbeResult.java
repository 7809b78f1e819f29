package dev.quorumwatch.node.probe;

/** One probe's outcome. A failure always carries a failure class. */
public record ProbeResult(boolean ok, String failureClass, String detail, long latencyMs) {
  public static ProbeResult success(long latencyMs) {
    return new ProbeResult(true, "", "", latencyMs);
  }

  public static ProbeResult failure(String failureClass, String detail, long latencyMs) {
    return new ProbeResult(false, failureClass, detail, latencyMs);
  }
}
