package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.cluster.TimedSections;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.receiver.webhook.WebhookSigner;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.HeadlessChromium;
import dev.quorumwatch.node.testing.Monitors;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver.Received;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import dev.quorumwatch.proto.TargetStatus;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.WatchRequest;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckRequest;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthGrpc;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionGrpc;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionRequest;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionResponse;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 3-node cluster (separate processes) probing a real HTTP target every second with
 * thresholds of 2, notifying two real webhook receivers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsensusAlertingTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final long DETECTION_BUDGET_MS = 2 * 1000 + 1000;
  static final ObjectMapper JSON = new ObjectMapper();
  /** Prometheus text format 0.0.4: HELP and TYPE lines, and samples with escaped label values. */
  static final Pattern EXPOSITION_COMMENT = Pattern.compile(
      "# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))");
  static final Pattern EXPOSITION_SAMPLE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*"
      + "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\")*\\})?"
      + " ([-+]?[0-9.]+([eE][-+]?[0-9]+)?|NaN|[-+]Inf)( -?[0-9]+)?");

  LocalCluster cluster;
  TargetServer target;
  WebhookReceiver ops;
  WebhookReceiver oncall;

  @BeforeAll
  void startCluster() throws Exception {
    target = clusters.own(new TargetServer());
    ops = clusters.own(new WebhookReceiver());
    oncall = clusters.own(new WebhookReceiver());
    cluster = clusters.started("alerting", 3);
    cluster.apply(Monitors.oneTarget("api", target.url(), ops.url(), oncall.url()));
    awaitVerdict(Verdict.VERDICT_UP, Duration.ofSeconds(15));
    assertThat(Agreement.awaitConverged(cluster, 30_000)).as("every node applied the same state").isTrue();
  }

  @Test
  @Order(1)
  void everyProbeNamesItsNodeAndRegion() {
    // The verdict above needed two regions; the third may probe up to an interval later.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(target.userAgentsSeen()).anySatisfy(ua -> assertThat(ua).matches("quorumwatch/\\S+ \\(node=us-west; region=us-west\\)"));
      assertThat(target.userAgentsSeen()).anySatisfy(ua -> assertThat(ua).contains("node=eu-west; region=eu-west"));
    });
  }

  @Test
  @Order(2)
  void anOutageSeenByAllRegionsPagesOncePerReceiverWithinBudgetAndResolvesOnce() throws Exception {
    List<Long> detectMs = new ArrayList<>();
    List<Long> resolveMs = new ArrayList<>();
    try {
      for (int incident = 0; incident < 3; incident++) {
        anOutageIsPagedAndResolved(incident, detectMs, resolveMs);
      }
    } finally {
      target.setUp(true); // a failed check leaves the target up for the tests after it
    }
    System.out.printf("detect ms %s, resolve ms %s%n", detectMs, resolveMs);
    for (WebhookReceiver receiver : List.of(ops, oncall)) {
      List<Received> all = receiver.pages();
      // Exactly one firing and one resolved per incident, each with its own key, firing first.
      assertThat(all.stream().map(Received::incidentId).distinct()).hasSize(3);
      for (String incident : all.stream().map(Received::incidentId).distinct().toList()) {
        List<Received> forIncident = all.stream().filter(r -> r.incidentId().equals(incident)).toList();
        assertThat(forIncident).extracting(Received::status).containsExactly("firing", "resolved");
        assertThat(forIncident).extracting(Received::idempotencyKey).doesNotHaveDuplicates();
      }
    }
  }

  private void anOutageIsPagedAndResolved(int incident, List<Long> detectMs, List<Long> resolveMs) throws Exception {
    int firingBefore = ops.pagesWithStatus("firing").size();
    int resolvedBefore = ops.pagesWithStatus("resolved").size();
    long downAt = TimedSections.timed(() -> {
      long at = System.currentTimeMillis();
      target.setUp(false);
      await().atMost(Duration.ofMillis(DETECTION_BUDGET_MS + 2000))
          .until(() -> ops.pagesWithStatus("firing").size() > firingBefore && oncall.pagesWithStatus("firing").size() > firingBefore);
      return at;
    });
    Received firing = ops.pagesWithStatus("firing").get(firingBefore);
    detectMs.add(firing.atMs() - downAt);
    assertThat(firing.atMs() - downAt).as("firing within failure_threshold x interval + 1 s").isLessThanOrEqualTo(DETECTION_BUDGET_MS);
    assertThat(firing.alertname()).isEqualTo("TargetDown");
    assertThat(firing.target()).isEqualTo("api");
    assertThat(firing.body().path("version").asText()).isEqualTo("4");
    assertThat(firing.body().path("alerts").path(0).path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(firing.body().path("alerts").path(0).path("labels").path("cluster").asText()).isEqualTo("test");
    assertThat(firing.regions().split(",").length).isGreaterThanOrEqualTo(2);
    assertSignedWithTheReceiverSecret(firing);
    if (incident == 0) {
      String metrics = get(HttpClient.newHttpClient(), "http://127.0.0.1:" + cluster.httpPort(1) + "/metrics").body();
      assertThat(sample(metrics, "quorumwatch_target_verdict", "target=\"api\"", "verdict=\"down\"")).isEqualTo(1.0);
      assertThat(sample(metrics, "quorumwatch_incidents_open", "alertname=\"TargetDown\"", "severity=\"critical\""))
          .isEqualTo(1.0);
    }

    long upAt = System.currentTimeMillis();
    target.setUp(true);
    await().atMost(Duration.ofMillis(DETECTION_BUDGET_MS + 2000))
        .until(() -> ops.pagesWithStatus("resolved").size() > resolvedBefore && oncall.pagesWithStatus("resolved").size() > resolvedBefore);
    resolveMs.add(ops.pagesWithStatus("resolved").get(resolvedBefore).atMs() - upAt);
    awaitVerdict(Verdict.VERDICT_UP, Duration.ofSeconds(10));
  }

  @Test
  @Order(3)
  void anOutageSeenByOneRegionOnlyNeverPages() {
    int before = ops.pages().size();
    target.setDownOnlyFor(Set.of("eu-west"));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> verdict() == Verdict.VERDICT_REGIONAL);
      // Long past the detection budget: still regional, and nobody paged.
      await().pollDelay(Duration.ofMillis(DETECTION_BUDGET_MS + 1000)).atMost(Duration.ofSeconds(10))
          .until(() -> true);
      assertThat(verdict()).isEqualTo(Verdict.VERDICT_REGIONAL);
      assertThat(ops.pages()).hasSize(before);
      assertThat(oncall.pages()).hasSize(before);
    } finally {
      target.setDownOnlyFor(Set.of());
    }
    awaitVerdict(Verdict.VERDICT_UP, Duration.ofSeconds(10));
  }

  @Test
  @Order(4)
  void anInvalidMonitorsFileIsRejectedWithItsFieldPathAndChangesNothing() {
    String bad = Monitors.oneTarget("api", target.url(), ops.url()).replace("interval: 1s", "interval: fast");
    assertThat(catchApply(bad))
        .hasMessageContaining("monitors.yaml: targets[0].interval: expected a positive duration");
    String unknownKey = Monitors.oneTarget("api", target.url(), ops.url()).replace("timeout: 800ms", "timeout: 800ms\n    retries: 3");
    assertThat(catchApply(unknownKey)).hasMessageContaining("targets[0].retries: unknown key");
    List<TargetStatus> targets = cluster.client(0).listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList();
    assertThat(targets).extracting(TargetStatus::getId).containsExactly("api");
  }

  @Test
  @Order(5)
  void theCliPrintsTheDocumentedJsonDocumentsFromAnyNode() throws Exception {
    Cli.Result status = Cli.run("status", "--server", cluster.api(2), "--json");
    assertThat(status.exitCode()).isZero();
    JsonNode s = JSON.readTree(status.stdout());
    assertThat(s.path("cluster").asText()).isEqualTo("test");
    int leader = cluster.awaitLeader(5_000);
    assertThat(s.path("leader").asText()).isEqualTo(cluster.id(leader));
    assertThat(s.path("leader_api").asText()).isEqualTo(cluster.api(leader));
    assertThat(s.path("term").asLong()).isPositive();
    assertThat(s.path("members")).hasSize(3);
    JsonNode member = s.path("members").path(0);
    assertThat(member.path("id").asText()).isEqualTo("us-west");
    assertThat(member.path("role").asText()).isIn("LEADER", "FOLLOWER");
    assertThat(member.path("fresh").asBoolean()).isTrue();
    assertThat(member.path("last_heartbeat").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    Cli.Result targets = Cli.run("targets", "--server", cluster.api(1), "--json");
    JsonNode t = JSON.readTree(targets.stdout()).path("targets").path(0);
    assertThat(t.path("id").asText()).isEqualTo("api");
    assertThat(t.path("verdict").asText()).isEqualTo("UP");
    assertThat(t.path("votes").path("us-east").asText()).isEqualTo("up");
    assertThat(t.path("uptime").path("24h").asDouble()).isBetween(50.0, 100.0);
    assertThat(t.path("labels").path("service").asText()).isEqualTo("api");

    Cli.Result incidents = Cli.run("incidents", "--server", cluster.api(0), "--json");
    JsonNode i = JSON.readTree(incidents.stdout()).path("incidents").path(0);
    assertThat(i.path("target").asText()).isEqualTo("api");
    assertThat(i.path("severity").asText()).isEqualTo("critical");
    assertThat(i.path("state").asText()).isEqualTo("resolved");
    assertThat(i.path("started_at").asText()).endsWith("Z");
    assertThat(i.path("regions").size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  @Order(6)
  void watchStreamsVerdictChangesAndIncidentsAsTheyAreApplied() throws Exception {
    List<Event> seen = new CopyOnWriteArrayList<>();
    ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.api(2))
        .usePlaintext().build();
    try {
      QuorumWatchGrpc.newStub(channel).watch(WatchRequest.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(Event e) {
          seen.add(e);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      });
      target.setUp(false);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(e -> e.getKind().equals("incident_opened")));
      target.setUp(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(e -> e.getKind().equals("incident_resolved"))
          && seen.stream().anyMatch(e -> e.getVerdict() == Verdict.VERDICT_UP));
      assertThat(seen).filteredOn(e -> e.getKind().equals("verdict")).extracting(Event::getVerdict)
          .contains(Verdict.VERDICT_DOWN, Verdict.VERDICT_UP);
    } finally {
      channel.shutdownNow();
    }
    awaitVerdict(Verdict.VERDICT_UP, Duration.ofSeconds(10));
  }

  @Test
  @Order(7)
  void everyNodeServesHealthReadinessMetricsGrpcHealthAndReflection() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 3; i++) {
      String base = "http://127.0.0.1:" + cluster.httpPort(i);
      assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(http, base + "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).startsWith("ready: leader ");
      String metrics = get(http, base + "/metrics").body();
      assertThat(metrics.lines()).as("every line of /metrics follows the text exposition format")
          .allMatch(l -> EXPOSITION_COMMENT.matcher(l).matches() || EXPOSITION_SAMPLE.matcher(l).matches());
      assertThat(metrics).containsPattern("(?m)^quorumwatch_probes_total \\d+");
      assertThat(sample(metrics, "quorumwatch_probe_results_total", "target=\"api\"", "result=\"ok\"")).isPositive();
      assertThat(sample(metrics, "quorumwatch_probe_results_total", "target=\"api\"", "result=\"http_status\""))
          .as("the outages earlier in this class").isPositive();
      assertThat(sample(metrics, "quorumwatch_probe_latency_seconds_count", "target=\"api\"")).isPositive();
      assertThat(sample(metrics, "quorumwatch_target_verdict", "target=\"api\"", "verdict=\"up\"")).isEqualTo(1.0);
      assertThat(sample(metrics, "quorumwatch_target_verdict", "target=\"api\"", "verdict=\"down\"")).isZero();
      assertThat(sample(metrics, "quorumwatch_raft_commit_latency_seconds_count")).isPositive();
      assertThat(sample(metrics, "quorumwatch_raft_log_bytes")).isPositive();
      assertThat(sample(metrics, "quorumwatch_raft_term")).isPositive();
      assertThat(sample(metrics, "quorumwatch_raft_leader_changes_total")).isPositive();
      assertThat(sample(metrics, "quorumwatch_reporter_batch_size_count")).isPositive();
      assertThat(metrics).containsPattern("(?m)^quorumwatch_reporter_writes_failed_total \\d");
      assertThat(sample(metrics, "jvm_memory_used_bytes", "area=\"heap\"")).isPositive();
      if (i == cluster.awaitLeader(10_000)) {
        assertThat(sample(metrics, "quorumwatch_deliveries_ok_total")).isPositive();
        assertThat(sample(metrics, "quorumwatch_deliveries_latency_seconds_count")).isPositive();
      }
      assertThat(get(http, base + "/").body()).startsWith("<!doctype html>").doesNotContain("src=\"http");
      JsonNode page = JSON.readTree(get(http, base + "/status.json").body());
      assertThat(page.path("targets").path(0).path("id").asText()).isEqualTo("api");
      assertThat(page.path("targets").path(0).path("verdict").asText()).isEqualTo("VERDICT_UP");
    }
    ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.api(0))
        .usePlaintext().build();
    try {
      assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService("quorumwatch.v1.QuorumWatch").build())
          .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      List<String> services = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new StreamObserver<>() {
        @Override
        public void onNext(ServerReflectionResponse r) {
          r.getListServicesResponse().getServiceList().forEach(svc -> services.add(svc.getName()));
        }

        @Override
        public void onError(Throwable t) {
          done.countDown();
        }

        @Override
        public void onCompleted() {
          done.countDown();
        }
      });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      requests.onCompleted();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(services).contains("quorumwatch.v1.QuorumWatch", "grpc.health.v1.Health");
    } finally {
      channel.shutdownNow();
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertSignedWithTheReceiverSecret(Received r) {
    String t = r.signature().replaceAll("^t=(\\d+),v1=.*$", "$1");
    assertThat(r.signature()).isEqualTo(WebhookSigner.sign(Monitors.SECRET, Long.parseLong(t), r.rawBody()));
    assertThat(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t))).isLessThan(60);
  }

  private StatusRuntimeException catchApply(String yaml) {
    try {
      cluster.client(1).apply(ApplyRequest.newBuilder().setYaml(yaml).setFileName("monitors.yaml").build());
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      return e;
    }
    throw new AssertionError("an invalid monitors file was accepted");
  }

  private Verdict verdict() {
    return cluster.client(cluster.anyRunning()).listTargets(ListTargetsRequest.getDefaultInstance())
        .getTargets(0).getVerdict();
  }

  @Test
  @Order(8)
  void theStatusPageShowsAnOutageWithEachRegionsVoteAndItsIncident() throws Exception {
    target.setUp(false);
    awaitVerdict(Verdict.VERDICT_DOWN, Duration.ofSeconds(10));
    String url = "http://127.0.0.1:" + cluster.httpPort(2) + "/";
    String dom = HeadlessChromium.dumpDom(url);
    assertThat(dom).contains("data-loaded=\"true\"");
    assertThat(dom).as("no services configured: no Services table, not even its header")
        .contains("<section id=\"services-section\" hidden=\"\">");
    assertThat(dom).contains("<tr data-target=\"api\" data-verdict=\"down\">");
    assertThat(dom).containsPattern("data-region=\"[a-z-]+\" data-vote=\"down\"");
    assertThat(dom.split("data-vote=\"down\"", -1).length - 1).as("regions voting down").isGreaterThanOrEqualTo(2);
    assertThat(dom).containsPattern("data-incident=\"[^\"]+\" data-state=\"open\" data-alertname=\"TargetDown\"");
    assertThat(dom.split("data-member=", -1).length - 1).isEqualTo(3);
    assertThat(dom).contains("cluster test").contains("<svg class=\"spark\"");
    HeadlessChromium.screenshot(url, Path.of("target", "artifacts", "status-page-phone.png"), 412, 1400);
    target.setUp(true);
    awaitVerdict(Verdict.VERDICT_UP, Duration.ofSeconds(10));
  }

  /** The value of the one sample of {@code name} carrying every given label; fails when there is none. */
  static double sample(String exposition, String name, String... labels) {
    List<String> lines = exposition.lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .toList();
    assertThat(lines).as("%s%s in /metrics", name, java.util.Arrays.toString(labels)).hasSize(1);
    String line = lines.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  private void awaitVerdict(Verdict expected, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
      try {
        return verdict() == expected;
      } catch (RuntimeException e) {
        return false;
      }
    });
  }
}
