package dev.quorumwatch.node.testing;

import dev.quorumwatch.node.bench.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real clusters for tests, kept under {@code target/clusters/} (logs stay for a failed test's
 * post-mortem), and remembered with the test class that made them, so that a failure can
 * quote its nodes' logs ({@link NodeLogsOnFailure}).
 */
public final class TestClusters {
  record Owned(Class<?> owner, LocalCluster cluster) {}

  private static final StackWalker CALLERS = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static final List<Owned> CREATED = new CopyOnWriteArrayList<>();

  private TestClusters() {}

  public static LocalCluster create(String name, int size) throws IOException {
    LocalCluster cluster = new LocalCluster(dir(name), false, size, "test", "")
        .withEnvironment(Monitors.SECRET_ENV, Monitors.SECRET);
    CREATED.add(new Owned(CALLERS.getCallerClass(), cluster));
    return cluster;
  }

  /** A fresh directory for a cluster named {@code name}. */
  public static Path dir(String name) {
    return Path.of("target", "clusters", name + "-" + System.currentTimeMillis());
  }

  /** Remembers a cluster built some other way (a fault scenario's) as the caller's. */
  public static void remember(LocalCluster cluster) {
    CREATED.add(new Owned(CALLERS.getCallerClass(), cluster));
  }

  /** The clusters made by {@code testClass} or one of its superclasses. */
  static List<LocalCluster> madeBy(Class<?> testClass) {
    return CREATED.stream().filter(o -> o.owner().isAssignableFrom(testClass)).map(Owned::cluster).toList();
  }
}
