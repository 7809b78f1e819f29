package dev.quorumwatch.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.harness.cluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealClustersTest {
  /** Records when it is closed, and refuses to be closed twice. */
  record Closing(String name, List<String> log) implements AutoCloseable {
    @Override
    public void close() {
      assertThat(log).as(name + " closed twice").doesNotContain(name);
      log.add(name);
    }
  }

  @Test
  void whatATestMakesIsClosedAfterItAndWhatTheClassMadeAfterTheClassLastFirst() throws Exception {
    List<String> closed = new ArrayList<>();
    RealClusters clusters = new RealClusters();
    clusters.own(new Closing("class-target", closed)); // as in @BeforeAll
    clusters.own(new Closing("class-receiver", closed));
    clusters.beforeEach(null);
    clusters.own(new Closing("test-target", closed)); // in @BeforeEach or the test
    clusters.own(new Closing("test-receiver", closed));
    clusters.afterEach(null);
    assertThat(closed).containsExactly("test-receiver", "test-target");

    clusters.beforeEach(null);
    clusters.afterEach(null);
    clusters.afterAll(null);
    assertThat(closed).containsExactly("test-receiver", "test-target", "class-receiver", "class-target");
  }

  @Test
  void oneThatFailsToCloseDoesNotKeepTheOthersOpen() throws Exception {
    List<String> closed = new ArrayList<>();
    RealClusters clusters = new RealClusters();
    clusters.own(new Closing("first", closed));
    clusters.own(() -> {
      throw new IllegalStateException("cannot close");
    });
    clusters.own(new Closing("last", closed));
    assertThatThrownBy(() -> clusters.afterAll(null)).hasMessage("cannot close");
    assertThat(closed).containsExactly("last", "first");
  }

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
