package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.cluster.TimedSections;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.TestClusters;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM on the leader hands leadership over before the node stops. The nodes log JSON
 * here, so the same run checks that every line of a node's log is a JSON object.
 */
class GracefulStopTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final ObjectMapper JSON = new ObjectMapper();
  LocalCluster cluster;

  @Test
  void aStoppingLeaderHandsOverSoTheOthersAreNeverLongWithoutOne() throws Exception {
    cluster = clusters.create("graceful-stop", 3).withNodeArguments("--log-format", "json");
    cluster.startAll();
    cluster.awaitAllFresh(30_000);
    for (int round = 0; round < 2; round++) {
      int leader = cluster.awaitLeader(30_000);
      long gapMs = TimedSections.timed(() -> {
        long stoppedAt = System.currentTimeMillis();
        cluster.terminate(leader);
        return Agreement.awaitNewLeader(cluster, leader, 10_000) - stoppedAt;
      });
      cluster.stop(leader);
      System.out.printf("graceful stop of %s: %d ms until the others agreed on a new leader%n", cluster.id(leader), gapMs);
      assertThat(cluster.log(leader)).contains("leadership handed over node=" + cluster.id(leader));
      // A SIGKILL costs an election timeout plus the election (~400 ms here, see
      // bench leader-stop); the bound leaves room for a loaded CI machine, not for a
      // close that keeps followers waiting for seconds.
      assertThat(gapMs).as("time without an agreed leader").isLessThan(2_000);
      cluster.start(leader);
      cluster.awaitAllFresh(30_000);
    }
    for (int i = 0; i < 3; i++) {
      List<String> lines = cluster.log(i).lines().toList();
      assertThat(lines).as("log lines of " + cluster.id(i)).isNotEmpty().allSatisfy(line -> {
        JsonNode event = JSON.readTree(line);
        assertThat(event.path("level").asText()).isIn("INFO", "WARN", "ERROR");
        assertThat(event.path("formattedMessage").asText()).isNotEmpty();
      });
      assertThat(lines).as("java.util.logging lines from Ratis's gRPC stay out").noneMatch(l -> l.contains("Epoll"));
    }
  }
}
