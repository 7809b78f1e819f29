package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.cluster.RaftAdmin;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.Tick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A follower that was away while the others snapshotted and purged their logs gets the
 * leader's snapshot, installs it, and goes on applying: the path a lagging follower takes in
 * production, which closed the follower's Raft server for good until the state machine
 * pauses before an install.
 */
class SnapshotInstallTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  /** More than Ratis' purge gap (1,024 entries): the snapshot then really purges the log. */
  static final int ENTRIES = 1_300;

  LocalCluster cluster;

  @Test
  void aFollowerBehindThePurgedLogInstallsTheLeadersSnapshotAndGoesOn() throws Exception {
    cluster = clusters.started("snapshot-install", 3);
    int leader = cluster.awaitLeader(30_000);
    int away = (leader + 1) % 3;
    int other = 3 - leader - away;
    cluster.kill(away);

    try (RaftClient client = RaftAdmin.client(cluster, leader, RetryPolicies.retryUpToMaximumCountWithFixedSleep(20,
        TimeDuration.valueOf(500, TimeUnit.MILLISECONDS)))) {
      byte[] tick = Command.newBuilder().setTick(Tick.getDefaultInstance()).build().toByteArray();
      List<CompletableFuture<RaftClientReply>> sent = new ArrayList<>();
      for (int i = 0; i < ENTRIES; i++) {
        sent.add(client.async().send(Message.valueOf(ByteString.copyFrom(tick))));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
    // A new term closes the open log segment (only closed segments are purged).
    cluster.kill(leader);
    cluster.start(leader);
    int newLeader = cluster.awaitLeader(30_000);
    RaftAdmin.snapshot(cluster, leader);
    RaftAdmin.snapshot(cluster, other);
    long snapshotIndex = status(newLeader).getAppliedIndex();

    cluster.start(away);
    await().atMost(Duration.ofSeconds(40)).until(() -> appliedIndex(away) >= snapshotIndex);
    assertThat(cluster.log(away)).contains("state restored from snapshot").doesNotContain("caught a Throwable");
    long installed = appliedIndex(away);
    await("it applies the entries after the snapshot too").atMost(Duration.ofSeconds(10))
        .until(() -> appliedIndex(away) > installed);
    assertThat(status(away).getStateDigest()).isNotEmpty();
  }

  private StatusResponse status(int node) {
    return cluster.status(node).orElseThrow();
  }

  private long appliedIndex(int node) {
    return cluster.status(node).map(StatusResponse::getAppliedIndex).orElse(0L);
  }
}
