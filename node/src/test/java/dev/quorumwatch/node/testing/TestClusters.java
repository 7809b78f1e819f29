package dev.quorumwatch.node.testing;

import dev.quorumwatch.node.bench.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;

/** Real clusters for tests, kept under {@code target/clusters/} (logs stay for a failed test's post-mortem). */
public final class TestClusters {
  private TestClusters() {}

  public static LocalCluster create(String name, int size) throws IOException {
    Path dir = Path.of("target", "clusters", name + "-" + System.currentTimeMillis());
    return new LocalCluster(dir, false, size, "test", "").withEnvironment(Monitors.SECRET_ENV, Monitors.SECRET);
  }
}
