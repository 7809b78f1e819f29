package dev.quorumwatch.node.testing;

import dev.quorumwatch.node.bench.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a test fails, adds to its message what its cluster's nodes logged about leaders,
 * warnings and errors. The nodes are separate processes whose logs stay on disk, but CI only
 * shows the failure messages: without this, a failure there says what went wrong and never
 * why. Each cluster is quoted once, with its first failure. Registered for every test class
 * through the service loader (junit-platform.properties enables auto-detection).
 */
public final class NodeLogsOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  static final Pattern WORTH_QUOTING = Pattern.compile(" (WARN|ERROR) |leader changed|no leader|Exception");
  static final int LINES_PER_NODE = 12;

  private static final Set<LocalCluster> QUOTED = ConcurrentHashMap.newKeySet();

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withNodeLogs(context, failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withNodeLogs(context, failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withNodeLogs(context, failure);
  }

  private static Throwable withNodeLogs(ExtensionContext context, Throwable failure) {
    StringBuilder quote = new StringBuilder();
    for (LocalCluster cluster : TestClusters.madeBy(context.getRequiredTestClass())) {
      if (QUOTED.add(cluster)) {
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
        List<String> lines = Files.readAllLines(cluster.logFile(i)).stream().filter(l -> WORTH_QUOTING.matcher(l).find()).toList();
        lines.subList(Math.max(0, lines.size() - LINES_PER_NODE), lines.size()).forEach(l -> out.append("    ").append(l).append('\n'));
      } catch (IOException e) {
        out.append("    (no log: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }
}
