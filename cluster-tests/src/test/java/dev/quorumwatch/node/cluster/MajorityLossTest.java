package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.TestClusters;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  LocalCluster cluster;

  /** Starts a 3-node cluster, every node fresh; returns the leader. */
  private int startFresh(String name) throws Exception {
    cluster = clusters.started(name, 3);
    int leader = cluster.awaitLeader(30_000);
    cluster.awaitAllFresh(30_000);
    return leader;
  }

  @Test
  void theSurvivorReportsAgainOnceTheMajorityReturns() throws Exception {
    int leader = startFresh("majority-loss");
    int follower = (leader + 1) % 3;
    cluster.kill(leader);
    cluster.kill(follower);
    // Longer than a write's retry budget (about 5 s), twice over.
    await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(13)).until(() -> true);
    cluster.start(leader);
    cluster.start(follower);
    cluster.awaitAllFresh(30_000);
  }

  /**
   * A follower dies, the other two commit more, then the second follower dies too: the old
   * leader now holds the newest log, so only it can win the next election. While it asked
   * the dead nodes for votes, gRPC backed its connections to them off (the backoff grows
   * towards two minutes). The first follower back must still be asked at once.
   */
  @Test
  void aFollowerBackAfterALongMajorityLossLetsTheOldLeaderWinPromptly() throws Exception {
    int leader = startFresh("majority-back");
    int returning = (leader + 1) % 3;
    cluster.kill(returning);
    long appliedThen = cluster.status(leader).orElseThrow().getAppliedIndex();
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.status(leader)
        .map(s -> s.getAppliedIndex() > appliedThen + 3).orElse(false));
    cluster.kill((leader + 2) % 3);
    await().pollDelay(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(31)).until(() -> true);
    cluster.start(returning);
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.status(returning).isPresent());
    long answering = System.nanoTime();
    await().atMost(Duration.ofSeconds(90)).until(() -> cluster.agreedLeader() >= 0);
    long electedMs = (System.nanoTime() - answering) / 1_000_000;
    System.out.printf("majority back: leader %d ms after the returning node answered%n", electedMs);
    assertThat(cluster.agreedLeader()).as("only the old leader holds the newest log").isEqualTo(leader);
    assertThat(electedMs).as("a leader once the returning node answers").isLessThan(5_000);
  }
}
