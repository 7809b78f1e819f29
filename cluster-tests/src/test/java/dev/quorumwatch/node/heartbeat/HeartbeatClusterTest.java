package dev.quorumwatch.node.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.Monitors;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.DayUptime;
import dev.quorumwatch.proto.ExplainRequest;
import dev.quorumwatch.proto.ExplainResponse;
import dev.quorumwatch.proto.Verdict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A real cluster: pings to one node, that node SIGKILLed, the next ping to another; a missed
 * heartbeat pages exactly once, though the leader is killed while the job is late.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // light and mostly waiting; see junit-platform.properties
class HeartbeatClusterTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static LocalCluster cluster;
  static WebhookReceiver receiver;
  static String token;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void start() throws Exception {
    Cli.Result made = Cli.run("heartbeat", "new-token");
    assertThat(made.exitCode()).isZero();
    Matcher m = Pattern.compile("token:\\s+(\\S+)\\s+token_sha256:\\s+([0-9a-f]{64})").matcher(made.stdout());
    assertThat(m.find()).as(made.stdout()).isTrue();
    token = m.group(1);
    assertThat(PingTokens.sha256Hex(token)).isEqualTo(m.group(2));
    receiver = clusters.own(new WebhookReceiver());
    cluster = clusters.started("heartbeats", 3);
    cluster.apply("""
        targets:
          - id: nightly-backup
            heartbeat: {period: 10s, grace: 5s, token_sha256: %s}
            labels: {team: storage}
        receivers:
          - id: ops
            webhook: {url: "%s", secret_env: %s}
        """.formatted(m.group(2), receiver.url(), Monitors.SECRET_ENV));
    // The target is watched from now: ping at once so it starts UP, on every node once it has
    // applied the new monitors (a node knows a token from then on).
    for (int node = 0; node < 3; node++) {
      int n = node;
      await().atMost(Duration.ofSeconds(10)).until(() -> ping(n, "/ping/" + token).statusCode() == 200);
    }
  }

  static HttpResponse<String> ping(int node, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort(node) + path))
        .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString("backup of 42 GiB done\n")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static ExplainResponse explain(int node) {
    return cluster.client(node).explain(ExplainRequest.newBuilder().setTargetId("nightly-backup").build());
  }

  @Test
  @Order(1)
  void pingsReachAnyNodeAndAMissedOnePagesOnceAcrossALeaderKill() throws Exception {
    assertThat(ping(0, "/ping/" + "x".repeat(43)).statusCode()).as("unknown token").isEqualTo(404);
    assertThat(ping(0, "/ping/" + "x".repeat(43)).body()).isEqualTo("not found\n");

    int leader = cluster.awaitLeader(10_000);
    int first = (leader + 1) % 3;
    HttpResponse<String> ok = ping(first, "/ping/" + token);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(explain(leader).getTarget().getVerdict()).as("200 means committed").isEqualTo(Verdict.VERDICT_UP);
    assertThat(explain(leader).getHeartbeat().getLastNodeId()).isEqualTo(cluster.id(first));
    assertThat(explain(leader).getHeartbeat().getLastBody()).isEqualTo("backup of 42 GiB done\n");

    cluster.kill(first); // the node that took the last ping is gone
    int second = 3 - first - leader;
    assertThat(ping(second, "/ping/" + token + "/start").statusCode()).isEqualTo(200);
    assertThat(ping(second, "/ping/" + token + "/0").statusCode()).isEqualTo(200);
    assertThat(explain(leader).getHeartbeat().getLastNodeId()).isEqualTo(cluster.id(second));
    assertThat(explain(leader).getHeartbeat().getPings()).as("3 at the start, 3 here").isEqualTo(6);
    long lastPingMs = explain(leader).getHeartbeat().getLastSuccessMs();

    // The job now misses its heartbeat; the leader dies while it is late (the first node is back).
    cluster.start(first);
    cluster.kill(leader);
    await().atMost(Duration.ofSeconds(40)).until(() -> !receiver.pagesWithStatus("firing").isEmpty());
    assertThat(receiver.pagesWithStatus("firing")).as("one incident").extracting(WebhookReceiver.Received::incidentId)
        .containsOnly(receiver.pagesWithStatus("firing").get(0).incidentId());
    WebhookReceiver.Received page = receiver.pagesWithStatus("firing").get(0);
    assertThat(page.alertname()).isEqualTo("TargetDown");
    assertThat(page.target()).isEqualTo("nightly-backup");
    assertThat(page.atMs()).as("period + grace after the last ping, give or take an election")
        .isBetween(lastPingMs + 15_000, lastPingMs + 30_000);
    cluster.start(leader);
    cluster.awaitLeader(30_000);
    // No second page for the same miss, whoever leads.
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
        .until(() -> receiver.pagesWithStatus("firing").stream().map(WebhookReceiver.Received::incidentId).distinct()
            .count() == 1);

    assertThat(ping(first, "/ping/" + token).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.pagesWithStatus("resolved").isEmpty());
    assertThat(explain(first).getTarget().getVerdict()).isEqualTo(Verdict.VERDICT_UP);
    List<DayUptime> days = explain(first).getDailyUptimeList();
    assertThat(days).as("90 UTC days, today last").hasSize(90);
    assertThat(days.get(89).getKnown()).isTrue();
    assertThat(days.get(0).getKnown()).as("long before the target was added").isFalse();
    assertThat(days.get(88).getDownMs() + days.get(89).getDownMs()).as("the outage: today, or yesterday near midnight")
        .isPositive();
  }

  @Test
  @Order(2)
  void aNodeWithoutALeaderAnswers503SoTheJobCanRetryElsewhere() throws Exception {
    int leader = cluster.awaitLeader(30_000);
    int alone = (leader + 1) % 3;
    cluster.kill(leader);
    cluster.kill(3 - alone - leader);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.status(alone).map(s -> s.getLeaderId().isEmpty())
        .orElse(false));
    HttpResponse<String> refused = ping(alone, "/ping/" + token);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).startsWith("not recorded: ");
    cluster.start(leader);
    cluster.start(3 - alone - leader);
    cluster.awaitLeader(30_000);
  }
}
