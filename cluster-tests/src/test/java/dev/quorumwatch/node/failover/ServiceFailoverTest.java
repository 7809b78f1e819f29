package dev.quorumwatch.node.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.ServiceState;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.WatchServicesRequest;
import org.apache.ratis.thirdparty.io.grpc.Context;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A service with a primary and a backup endpoint on a real 3-node cluster: failover in the
 * commit of the DOWN verdict, failback only after failback_after, manual moves, no move for
 * a region-only failure, and a WatchServices client that sees each change exactly once
 * while the leader is killed.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // light and mostly waiting; see junit-platform.properties
class ServiceFailoverTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final long FAILBACK_AFTER_MS = 4000;
  LocalCluster cluster;
  TargetServer primary;
  TargetServer backup;
  WebhookReceiver receiver;
  Context.CancellableContext watching;

  @AfterEach
  void stop() throws Exception {
    if (watching != null) {
      watching.cancel(null);
    }
  }

  @Test
  void theActiveEndpointFollowsTheQuorumAndEveryChangeIsSeenOnce() throws Exception {
    primary = clusters.own(new TargetServer());
    backup = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    cluster = clusters.started("failover", 3);
    int leader = cluster.awaitLeader(30_000);
    cluster.apply("""
        targets:
          - {id: api-primary, http: {url: "%s"}, interval: 1s, timeout: 800ms}
          - {id: api-backup, http: {url: "%s"}, interval: 1s, timeout: 800ms}
        services:
          - {id: api, endpoints: [api-primary, api-backup], failback: auto, failback_after: %dms}
        receivers:
          - id: ops
            webhook: {url: "%s"}
        """.formatted(primary.url(), backup.url(), FAILBACK_AFTER_MS, receiver.url()));
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 30_000)).isTrue();

    int watched = (leader + 1) % 3;
    List<ServiceState> seen = watch(watched);
    await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
    assertThat(seen.get(0).getActiveEndpoint()).isEqualTo("api-primary");

    // A region-only failure moves nothing.
    primary.setDownOnlyFor(Set.of(cluster.id(0)));
    await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(seen).hasSize(1);
    primary.setDownOnlyFor(Set.of());

    // Down for a quorum: the service moves in the same log entry as the DOWN verdict.
    primary.setUp(false);
    await().atMost(Duration.ofSeconds(8)).until(() -> seen.size() >= 2);
    ServiceState failedOver = seen.get(1);
    assertThat(failedOver.getActiveEndpoint()).isEqualTo("api-backup");
    long downAt = cluster.client(watched).listIncidents(ListIncidentsRequest.getDefaultInstance()).getIncidentsList()
        .stream().filter(i -> i.getTargetId().equals("api-primary") && i.getAlertname().equals("TargetDown"))
        .findFirst().orElseThrow().getOpenedAtIndex();
    assertThat(failedOver.getLogIndex()).as("the commit of the DOWN verdict").isEqualTo(downAt);

    // The leader dies; the primary comes back; failback only after failback_after of UP.
    int currentLeader = cluster.awaitLeader(10_000);
    assertThat(currentLeader).as("the watch runs on a follower").isNotEqualTo(watched);
    cluster.kill(currentLeader);
    primary.setUp(true);
    long upSeenAt = awaitVerdictUp(watched);
    await().atMost(Duration.ofMillis(FAILBACK_AFTER_MS + 4000)).until(() -> seen.size() >= 3);
    assertThat(seen.get(2).getActiveEndpoint()).isEqualTo("api-primary");
    assertThat(System.currentTimeMillis() - upSeenAt).as("not before failback_after").isGreaterThanOrEqualTo(
        FAILBACK_AFTER_MS - 1000);

    // A manual move pins; --auto releases and the rule moves it back.
    Cli.Result move = Cli.run("failover", "api", "--to", "api-backup", "--reason", "drill", "--by", "carol",
        "--json", "--server", cluster.api(watched));
    assertThat(move.exitCode()).as(move.stderr()).isZero();
    JsonNode moved = new ObjectMapper().readTree(move.stdout());
    assertThat(moved.path("active").asText()).isEqualTo("api-backup");
    assertThat(moved.path("pinned_by").asText()).isEqualTo("carol");
    Cli.Result release = Cli.run("failover", "api", "--auto", "--by", "carol", "--server", cluster.api(watched));
    assertThat(release.exitCode()).as(release.stderr()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 5);

    assertThat(seen).extracting(ServiceState::getVersion).as("each change once, in order").containsExactly(1L, 2L, 3L,
        4L, 5L);
    assertThat(seen).extracting(ServiceState::getActiveEndpoint).containsExactly("api-primary", "api-backup",
        "api-primary", "api-backup", "api-primary");
    await().atMost(Duration.ofSeconds(10)).until(() -> serviceAlerts().size() >= 4);
    assertThat(serviceAlerts()).as("one notification per move, duplicates only under the same key")
        .containsExactly("ServiceFailover api-primary->api-backup", "ServiceFailback api-backup->api-primary",
            "ServiceFailover api-primary->api-backup", "ServiceFailback api-backup->api-primary");

    Cli.Result services = Cli.run("services", "--json", "--server", cluster.api(watched));
    JsonNode api = new ObjectMapper().readTree(services.stdout()).path("services").path(0);
    assertThat(api.path("active").asText()).isEqualTo("api-primary");
    assertThat(api.path("endpoints").path(0).path("verdict").asText()).isEqualTo("UP");
  }

  private List<String> serviceAlerts() {
    Set<String> keys = new java.util.HashSet<>();
    List<String> out = new java.util.ArrayList<>();
    for (WebhookReceiver.Received r : receiver.received()) {
      if (!keys.add(r.idempotencyKey())) {
        continue;
      }
      for (JsonNode a : r.body().path("alerts")) {
        JsonNode labels = a.path("labels");
        if (labels.path("alertname").asText().startsWith("Service")) {
          out.add(labels.path("alertname").asText() + " " + labels.path("from").asText() + "->"
              + labels.path("to").asText());
        }
      }
    }
    return out;
  }

  private long awaitVerdictUp(int node) {
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client(node)
        .listTargets(dev.quorumwatch.proto.ListTargetsRequest.getDefaultInstance()).getTargetsList().stream()
        .anyMatch(t -> t.getId().equals("api-primary") && t.getVerdict() == Verdict.VERDICT_UP));
    return System.currentTimeMillis();
  }

  private List<ServiceState> watch(int node) {
    List<ServiceState> seen = new CopyOnWriteArrayList<>();
    watching = Context.current().withCancellation();
    Thread reader = new Thread(() -> watching.run(() -> {
      try {
        Iterator<ServiceState> stream = cluster.client(node).withDeadlineAfter(5, TimeUnit.MINUTES)
            .watchServices(WatchServicesRequest.getDefaultInstance());
        stream.forEachRemaining(seen::add);
      } catch (StatusRuntimeException ended) {
        // cancelled at the end of the test
      }
    }), "watch-services");
    reader.setDaemon(true);
    reader.start();
    return seen;
  }
}
