package dev.quorumwatch.node.cluster;

import static org.awaitility.Awaitility.await;

import dev.quorumwatch.node.bench.LocalCluster;
import dev.quorumwatch.node.testing.TestClusters;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Two of three nodes die, and the survivor's writes give up again and again while there is
 * no leader. Once the two return, the survivor must report again: a node that stays silent
 * after a heal leaves the cluster one failure away from deciding nothing.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // light and mostly waiting; see junit-platform.properties
class MajorityLossTest {
  LocalCluster cluster;

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void theSurvivorReportsAgainOnceTheMajorityReturns() throws Exception {
    cluster = TestClusters.create("majority-loss", 3);
    cluster.startAll();
    int leader = cluster.awaitLeader(30_000);
    cluster.awaitAllFresh(30_000);
    int follower = (leader + 1) % 3;
    cluster.kill(leader);
    cluster.kill(follower);
    // Longer than a write's retry budget (about 5 s), twice over.
    await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(13)).until(() -> true);
    cluster.start(leader);
    cluster.start(follower);
    cluster.awaitAllFresh(30_000);
  }
}
