package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.cluster.RaftAdmin;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Monitors;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver.Received;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/** All nodes crash and restart from their data_dir: targets, incidents and undelivered notifications survive. */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // light and mostly waiting; see junit-platform.properties
class FullRestartTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  LocalCluster cluster;
  TargetServer target;
  WebhookReceiver receiver;

  @Test
  void aClusterRestartedFromItsDataDirsKeepsItsStateAndDeliversWhatWasPending() throws Exception {
    target = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    cluster = clusters.started("full-restart", 3);
    cluster.apply(Monitors.oneTarget("api", target.url(), receiver.url()));
    await().atMost(Duration.ofSeconds(15)).until(() -> verdict() == Verdict.VERDICT_UP);

    receiver.failWith(500);
    target.setUp(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.rejectedCount() > 0);
    String incidentId = openIncident().getId();

    // Two nodes restart from a snapshot plus the log after it, one from the log alone.
    RaftAdmin.snapshot(cluster, 0);
    RaftAdmin.snapshot(cluster, 1);
    for (int i = 0; i < 3; i++) {
      cluster.kill(i);
    }
    cluster.startAll();
    cluster.awaitLeader(30_000);
    // Everything is back from disk before any node probed again.
    assertThat(cluster.client(0).listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList())
        .extracting(t -> t.getId()).containsExactly("api");
    await().atMost(Duration.ofSeconds(10)).until(() -> openIncidentOrNull() != null);
    assertThat(openIncident().getId()).isEqualTo(incidentId);
    assertThat(cluster.log(0)).contains("state restored from snapshot");
    assertThat(cluster.log(1)).contains("state restored from snapshot");
    assertThat(cluster.log(2)).doesNotContain("state restored from snapshot");

    receiver.succeed();
    await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.pagesWithStatus("firing").isEmpty());
    Received firing = receiver.pagesWithStatus("firing").get(0);
    assertThat(firing.idempotencyKey()).as("the group's first notification, decided before the restart")
        .matches("r0/g[0-9.]+/0");

    target.setUp(true);
    await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.pagesWithStatus("resolved").isEmpty());
    assertThat(receiver.pages()).extracting(Received::status).containsExactly("firing", "resolved");
    assertThat(receiver.pagesWithStatus("resolved").get(0).idempotencyKey())
        .isEqualTo(firing.idempotencyKey().replaceAll("/0$", "/1"));

    // Once quiet, every replica holds the same state.
    assertThat(Agreement.awaitConverged(cluster, 10_000)).as("replicas converge to one applied index and digest").isTrue();
  }

  private Verdict verdict() {
    try {
      return cluster.client(0).listTargets(ListTargetsRequest.getDefaultInstance()).getTargets(0).getVerdict();
    } catch (RuntimeException e) {
      return Verdict.VERDICT_UNKNOWN;
    }
  }

  private Incident openIncident() {
    Incident open = openIncidentOrNull();
    assertThat(open).isNotNull();
    return open;
  }

  private Incident openIncidentOrNull() {
    List<Incident> incidents = cluster.client(cluster.anyRunning())
        .listIncidents(ListIncidentsRequest.getDefaultInstance()).getIncidentsList();
    return incidents.stream().filter(Incident::getOpen).findFirst().orElse(null);
  }
}
