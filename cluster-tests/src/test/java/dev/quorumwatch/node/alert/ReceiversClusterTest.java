package dev.quorumwatch.node.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.FakeService.Answer;
import dev.quorumwatch.node.testing.FakeService;
import dev.quorumwatch.node.testing.ServiceRules;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.FailedNotification;
import dev.quorumwatch.proto.ListDeliveriesRequest;
import dev.quorumwatch.proto.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Native receivers on one real 3-node cluster: a receiver that hangs does not delay another's
 * page; PagerDuty's trigger and resolve share their dedup_key across a leader SIGKILL; a
 * fallback takes a notification exactly once across a leader SIGKILL; test-receiver reports
 * what the receiver said.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // light and mostly waiting; see junit-platform.properties
class ReceiversClusterTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final String ROUTING_KEY = "R0UT1NGKEY0123456789abcdefabcdef";

  LocalCluster cluster;
  final Map<String, TargetServer> targets = new java.util.HashMap<>();
  FakeService pagerDuty;
  FakeService hangingSlack;
  FakeService downSlack;
  WebhookReceiver fast;
  WebhookReceiver mailHook;

  @BeforeAll
  void start() throws Exception {
    for (String t : List.of("pd-api", "fb-api", "hang-api")) {
      targets.put(t, new TargetServer());
    }
    pagerDuty = new FakeService(r -> ServiceRules.pagerDuty(r, ROUTING_KEY), Answer.of(202, "{\"status\":\"success\"}"));
    hangingSlack = new FakeService(ServiceRules::slack, Answer.of(200, "ok"));
    hangingSlack.answerAlways(new Answer(200, Map.of(), "ok", 30_000));
    downSlack = new FakeService(ServiceRules::slack, Answer.of(200, "ok"));
    downSlack.answerAlways(Answer.of(503, "service unavailable"));
    fast = clusters.own(new WebhookReceiver());
    mailHook = clusters.own(new WebhookReceiver());
    cluster = clusters.create("receivers", 3).withEnvironment("QW_PD_KEY", ROUTING_KEY);
    cluster.startAll();
    cluster.awaitLeader(30_000);
    cluster.apply(monitors());
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 30_000)).isTrue();
  }

  String monitors() {
    StringBuilder yaml = new StringBuilder("targets:\n");
    targets.forEach((id, server) -> yaml.append("  - {id: ").append(id).append(", http: {url: \"").append(server.url())
        .append("\"}, interval: 1s, timeout: 800ms, failure_threshold: 2, recovery_threshold: 2}\n"));
    yaml.append("receivers:\n")
        .append("  - id: pager\n    pagerduty: {routing_key: \"${QW_PD_KEY}\", url: \"").append(pagerDuty.url())
        .append("/v2/enqueue\"}\n    route: {match: [\"target=pd-api\"]}\n")
        .append("  - id: chat\n    slack: {api_url: \"").append(downSlack.url()).append("/services/x\"}\n")
        .append("    route: {match: [\"target=fb-api\"]}\n    fallback: mail\n    fallback_after: 4s\n")
        .append("  - id: mail\n    webhook: {url: \"").append(mailHook.url()).append("\"}\n")
        .append("    route: {match: [\"target=nothing-routes-here\"]}\n")
        .append("  - id: slow\n    slack: {api_url: \"").append(hangingSlack.url()).append("/services/x\"}\n")
        .append("    route: {match: [\"target=hang-api\"]}\n")
        .append("  - id: fast\n    webhook: {url: \"").append(fast.url()).append("\"}\n")
        .append("    route: {match: [\"target=hang-api\"]}\n");
    return yaml.toString();
  }

  @AfterAll
  void stop() throws Exception {
    targets.values().forEach(TargetServer::close);
    List.of(pagerDuty, hangingSlack, downSlack).forEach(FakeService::close);
  }

  /** SIGKILLs the leader, starts it again, and waits until a leader is back and everyone is fresh. */
  void killLeaderAndRestart() throws Exception {
    int leader = cluster.awaitLeader(20_000);
    cluster.kill(leader);
    cluster.awaitLeader(20_000);
    cluster.start(leader);
    cluster.awaitAllFresh(30_000);
  }

  @Test
  @Order(1)
  void aReceiverThatHangsDoesNotDelayAnotherReceiversPage() {
    long downAt = System.currentTimeMillis();
    targets.get("hang-api").setUp(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> !fast.pagesWithStatus("firing").isEmpty());
    long pagedAfterMs = fast.pagesWithStatus("firing").get(0).atMs() - downAt;
    // Both are sent at once, so the slow receiver's request may land a moment after the fast page.
    await("the slow receiver is being sent to meanwhile").atMost(Duration.ofSeconds(5))
        .until(() -> !hangingSlack.requests().isEmpty());
    assertThat(pagedAfterMs).as("detection (~2 s) plus a commit, not the 30 s the slow receiver holds").isLessThan(8_000);
    targets.get("hang-api").setUp(true);
    await().atMost(Duration.ofSeconds(15)).until(() -> !fast.pagesWithStatus("resolved").isEmpty());
  }

  @Test
  @Order(2)
  void pagerDutyResolvesWithTheTriggersDedupKeyAcrossALeaderKill() throws Exception {
    targets.get("pd-api").setUp(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> actions().contains("trigger"));
    killLeaderAndRestart();
    targets.get("pd-api").setUp(true);
    await().atMost(Duration.ofSeconds(20)).until(() -> actions().contains("resolve"));
    List<String> keys = pagerDuty.accepted().stream().map(r -> r.json().path("dedup_key").asText()).distinct().toList();
    assertThat(keys).as("one incident at PagerDuty, whatever was resent").hasSize(1);
    assertThat(actions().get(actions().size() - 1)).isEqualTo("resolve");
  }

  List<String> actions() {
    return pagerDuty.accepted().stream().map(r -> r.json().path("event_action").asText()).toList();
  }

  @Test
  @Order(3)
  void theFallbackTakesTheNotificationExactlyOnceAcrossALeaderKill() throws Exception {
    targets.get("fb-api").setUp(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> !downSlack.requests().isEmpty());
    killLeaderAndRestart(); // before fallback_after (4 s) has passed since the decision, most likely
    await().atMost(Duration.ofSeconds(30)).until(() -> !mailHook.pagesWithStatus("firing").isEmpty());
    assertThat(downSlack.requests().size()).as("the 503s were retried before the hand-over").isGreaterThan(1);
    assertThat(mailHook.pages()).extracting(WebhookReceiver.Received::idempotencyKey).allMatch(k -> k.endsWith("/fallback"))
        .as("a resend carries the same key").containsOnly(mailHook.pages().get(0).idempotencyKey());
    // The restarted node's cold JVM may miss heartbeats for a while: give the members time to agree.
    List<FailedNotification> handed = cluster.client(cluster.awaitLeader(30_000))
        .listDeliveries(ListDeliveriesRequest.getDefaultInstance()).getFailedList().stream()
        .filter(f -> !f.getHandedOverTo().isEmpty()).toList();
    assertThat(handed).singleElement().satisfies(f -> {
      assertThat(f.getHandedOverTo()).isEqualTo("mail");
      assertThat(f.getNotification().getReceiverId()).isEqualTo("chat");
      assertThat(f.getLastError()).contains("HTTP 503");
    });
    targets.get("fb-api").setUp(true);
  }

  @Test
  @Order(4)
  void testReceiverPrintsWhatTheReceiverSaid() throws Exception {
    Cli.Result ok = Cli.run("test-receiver", "fast", "--server", cluster.api(0));
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(ok.stdout()).startsWith("delivered to fast (webhook)").contains("HTTP 200");
    assertThat(fast.alerts()).anyMatch(a -> a.startsWith("QuorumWatchTest"));

    Cli.Result refused = Cli.run("test-receiver", "chat", "--server", cluster.api(1), "--json");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stdout()).contains("\"delivered\":false").contains("HTTP 503: service unavailable");

    Cli.Result unknown = Cli.run("test-receiver", "nobody", "--server", cluster.api(2));
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.stderr()).contains("no receiver 'nobody'");
  }

  @Test
  @Order(5) // last: it leaves a node down
  void testReceiverRidesOutAnElection() throws Exception {
    int leader = cluster.awaitLeader(20_000);
    int follower = (leader + 1) % cluster.size();
    int asked = (leader + 2) % cluster.size();
    int delivered = fast.alerts().size();
    cluster.kill(leader);
    cluster.kill(follower);
    // The node asked has no quorum: it names the lost leader, then none, until a peer is back.
    CompletableFuture<Cli.Result> result = CompletableFuture.supplyAsync(() -> {
      try {
        return Cli.run("test-receiver", "fast", "--server", cluster.api(asked));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // Long enough for the CLI to start and be told "no leader" (it used to give up there).
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> !result.isDone());
    cluster.start(follower);
    Cli.Result ok = result.get(30, TimeUnit.SECONDS);
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(ok.stdout()).startsWith("delivered to fast (webhook)");
    assertThat(fast.alerts().size()).isGreaterThan(delivered);
  }
}
