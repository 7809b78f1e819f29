package dev.quorumwatch.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.harness.cluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealClustersTest {
  @Test
  void quotesTheLastLeaderWarningAndErrorLinesOfEveryNode(@TempDir Path dir) throws Exception {
    LocalCluster cluster = new LocalCluster(dir, false, 2, "test", "");
    try {
      String chatter = IntStream.range(0, 30).mapToObj(n -> "INFO  Prober probe ok n=" + n).collect(Collectors.joining("\n"));
      String warnings = IntStream.range(0, 20).mapToObj(n -> "2026 WARN  Reporter report not committed n=" + n)
          .collect(Collectors.joining("\n"));
      Files.writeString(cluster.logFile(0), chatter + "\n" + warnings + "\nINFO  LeadershipWatcher leader changed leader=x\n");

      String quote = RealClusters.nodeLogs(cluster);

      assertThat(quote).contains(cluster.id(0) + " (not running)", "leader changed leader=x", "n=19")
          .doesNotContain("probe ok", "n=8\n");
      assertThat(quote.lines().filter(l -> l.contains("report not committed"))).hasSize(RealClusters.LINES_PER_NODE - 1);
      assertThat(quote).contains(cluster.id(1) + " (not running)", "(no log:");
    } finally {
      cluster.close();
    }
  }
}
