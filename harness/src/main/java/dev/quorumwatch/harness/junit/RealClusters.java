package dev.quorumwatch.harness.junit;

import dev.quorumwatch.harness.cluster.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The real clusters of one test class, as a JUnit extension on a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final RealClusters clusters = new RealClusters();
 * ...
 * cluster = clusters.started("alerting", 3);   // or clusters.create(...) to configure it first
 * }</pre>
 *
 * <p>Each cluster gets a fresh directory under {@code target/clusters/}, which stays after the
 * run for a failed test's post-mortem. A cluster made in a test or its {@code @BeforeEach} is
 * stopped after that test; one made in {@code @BeforeAll}, after the class's last test. The
 * servers a test starts beside its cluster (targets, receivers) can be handed over with
 * {@link #own} and are closed the same way, last made first closed.
 * When a test or a set-up method fails, the failure message quotes what each node logged about
 * leaders, warnings and errors: the nodes are separate processes, and CI shows only failure
 * messages, so without the quote a failure there says what went wrong and never why. Each
 * cluster is quoted once, with its first failure.
 */
public final class RealClusters implements BeforeEachCallback, AfterEachCallback, AfterAllCallback,
    TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  static final Pattern WORTH_QUOTING = Pattern.compile(" (WARN|ERROR) |leader changed|no leader|Exception");
  static final int LINES_PER_NODE = 12;
  static final long LEADER_DEADLINE_MS = 30_000;

  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<LocalCluster> clusters = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> ownedByTheClass = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> ownedByThisTest = new CopyOnWriteArrayList<>();
  private volatile boolean inATest;
  private final Set<LocalCluster> quoted = ConcurrentHashMap.newKeySet();

  /** Sets {@code name} in the environment of every node of every cluster made from now on. */
  public RealClusters withEnvironment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** A cluster of {@code size} nodes, not started yet, so that the test can configure it first. */
  public LocalCluster create(String name, int size) throws IOException {
    LocalCluster cluster = new LocalCluster(dir(name), false, size, "test", "");
    environment.forEach(cluster::withEnvironment);
    return adopt(cluster);
  }

  /** A cluster of {@code size} nodes, started, with a leader they agree on. */
  public LocalCluster started(String name, int size) throws IOException, InterruptedException {
    LocalCluster cluster = create(name, size);
    cluster.startAll();
    cluster.awaitLeader(LEADER_DEADLINE_MS);
    return cluster;
  }

  /** A cluster built some other way (a fault-injecting one): stopped and quoted like the others. */
  public LocalCluster adopt(LocalCluster cluster) {
    clusters.add(cluster);
    return own(cluster);
  }

  /** Closes {@code resource} after this test, or after the class when handed over in {@code @BeforeAll}. */
  public <T extends AutoCloseable> T own(T resource) {
    (inATest ? ownedByThisTest : ownedByTheClass).add(0, resource);
    return resource;
  }

  /** A fresh directory for a cluster named {@code name}, under the module's {@code target/}. */
  public static Path dir(String name) {
    return Path.of("target", "clusters", name + "-" + System.currentTimeMillis());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    inATest = true;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    inATest = false;
    closeAll(ownedByThisTest);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    closeAll(ownedByTheClass);
  }

  /** Closes everything in {@code owned} (and forgets it), even when closing one fails. */
  private void closeAll(List<AutoCloseable> owned) throws Exception {
    List<Exception> failures = new ArrayList<>();
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
    clusters.removeAll(owned);
    owned.clear();
    if (!failures.isEmpty()) {
      Exception first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withNodeLogs(failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withNodeLogs(failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withNodeLogs(failure);
  }

  private Throwable withNodeLogs(Throwable failure) {
    StringBuilder quote = new StringBuilder();
    for (LocalCluster cluster : clusters) {
      if (quoted.add(cluster)) {
        quote.append(nodeLogs(cluster));
      }
    }
    if (quote.length() == 0) {
      return failure;
    }
    AssertionError withLogs = new AssertionError(failure + "\n" + quote, failure);
    withLogs.setStackTrace(failure.getStackTrace());
    return withLogs;
  }

  static String nodeLogs(LocalCluster cluster) {
    StringBuilder out = new StringBuilder("node logs under " + cluster.dir() + " (leaders, warnings, errors; last "
        + LINES_PER_NODE + " each):\n");
    for (int i = 0; i < cluster.size(); i++) {
      out.append("  ").append(cluster.id(i)).append(cluster.isRunning(i) ? " (running)" : " (not running)").append(":\n");
      try {
        List<String> lines = Files.readAllLines(cluster.logFile(i)).stream()
            .filter(l -> WORTH_QUOTING.matcher(l).find()).toList();
        lines.subList(Math.max(0, lines.size() - LINES_PER_NODE), lines.size())
            .forEach(l -> out.append("    ").append(l).append('\n'));
      } catch (IOException e) {
        out.append("    (no log: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }
}
