package dev.quorumwatch.node.testing;

import dev.quorumwatch.harness.junit.RealClusters;

/** The cluster tests' clusters: their nodes hold the webhook secret that {@link Monitors}' receivers sign with. */
public final class TestClusters {
  private TestClusters() {}

  /** For a static {@code @RegisterExtension} field of a test class. */
  public static RealClusters extension() {
    return new RealClusters().withEnvironment(Monitors.SECRET_ENV, Monitors.SECRET);
  }
}
