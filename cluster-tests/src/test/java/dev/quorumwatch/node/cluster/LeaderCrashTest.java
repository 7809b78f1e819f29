package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Monitors;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver.Received;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.RegionVote;
import dev.quorumwatch.proto.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leader is SIGKILLed while an incident is opening: nothing is lost, duplicates share a key. */
class LeaderCrashTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  LocalCluster cluster;
  TargetServer target;
  WebhookReceiver receiver;

  @Test
  void theFiringAndResolvedNotificationsSurviveALeaderCrashDuringTheOutage() throws Exception {
    target = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    cluster = clusters.started("leader-crash", 3);
    int leader = cluster.awaitLeader(30_000);
    cluster.apply(Monitors.oneTarget("api", target.url(), receiver.url()));
    // Watch whichever follower sees the target UP first: in a full run, beside another
    // cluster, one follower can take seconds longer to catch up after the start, and which
    // one it is does not matter to what this test is about.
    int follower = await().atMost(Duration.ofSeconds(30)).until(
        () -> IntStream.range(0, 3).filter(i -> i != leader && verdict(i) == Verdict.VERDICT_UP).findFirst().orElse(-1),
        i -> i >= 0);

    target.setUp(false);
    // Kill the leader as soon as the first region's down vote is committed: the incident is opening.
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
        .until(() -> downVotes(follower) >= 1);
    cluster.kill(leader);

    await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.pagesWithStatus("firing").isEmpty());
    int newLeader = cluster.awaitLeader(10_000);
    assertThat(newLeader).isNotEqualTo(leader);

    target.setUp(true);
    await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.pagesWithStatus("resolved").isEmpty());

    List<Received> all = receiver.pages();
    assertThat(all).extracting(Received::incidentId).containsOnly(all.get(0).incidentId());
    List<String> firingKeys = receiver.pagesWithStatus("firing").stream().map(Received::idempotencyKey).distinct().toList();
    assertThat(firingKeys).as("a repeated firing carries the same Idempotency-Key").hasSize(1);
    assertThat(all.get(all.size() - 1).status()).as("the receiver's last word is resolved").isEqualTo("resolved");
    int lastFiring = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).status().equals("firing")) {
        lastFiring = i;
      }
    }
    assertThat(lastFiring).isLessThan(all.indexOf(receiver.pagesWithStatus("resolved").get(0)));
  }

  private Verdict verdict(int node) {
    try {
      return cluster.client(node).listTargets(ListTargetsRequest.getDefaultInstance()).getTargets(0).getVerdict();
    } catch (RuntimeException e) {
      return Verdict.VERDICT_UNKNOWN;
    }
  }

  private long downVotes(int node) {
    try {
      return cluster.client(node).listTargets(ListTargetsRequest.getDefaultInstance()).getTargets(0).getVotesList()
          .stream().map(RegionVote::getVote).filter("down"::equals).count();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
