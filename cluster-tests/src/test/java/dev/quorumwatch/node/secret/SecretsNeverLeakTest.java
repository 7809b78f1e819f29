package dev.quorumwatch.node.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.receiver.webhook.WebhookSigner;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.FakeService;
import dev.quorumwatch.node.testing.ServiceRules;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver.Received;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ExplainRequest;
import dev.quorumwatch.proto.ListDeliveriesRequest;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.ListMembersRequest;
import dev.quorumwatch.proto.ListServicesRequest;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.Verdict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets given by reference (a probe header, a repair action header, a webhook URL's path and a
 * PagerDuty routing key from the nodes' environment, a webhook secret from a file) reach the
 * requests that need them (PagerDuty's stand-in accepts only its key), and appear
 * nowhere else: not in any answer of the API or the CLI, the status page's data, the metrics,
 * a backup, nor any line a node logged.
 */
class SecretsNeverLeakTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final String PROBE_SECRET = "probe-s3cr3t-7f1c";
  static final String REPAIR_SECRET = "repair-s3cr3t-b2e9";
  static final String HOOK_SECRET = "hook-s3cr3t-a90d";
  static final String HOOK_PATH_SECRET = "T0A1B2C3/hook-path-s3cr3t-5e44";
  static final String PD_ROUTING_KEY = "pd-r0uting-k3y-31c8";

  LocalCluster cluster;
  TargetServer target;
  WebhookReceiver receiver;
  FakeService pagerDuty;

  @Test
  void secretsReachTheirRequestsAndAppearNowhereElse() throws Exception {
    target = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    pagerDuty = clusters.own(new FakeService(r -> ServiceRules.pagerDuty(r, PD_ROUTING_KEY), FakeService.Answer.of(202, "{}")));
    cluster = clusters.create("secrets", 3)
        .withEnvironment("QW_PD_KEY", PD_ROUTING_KEY)
        .withEnvironment("QW_PROBE_TOKEN", PROBE_SECRET)
        .withEnvironment("QW_REPAIR_TOKEN", REPAIR_SECRET)
        .withEnvironment("QW_HOOK_PATH", HOOK_PATH_SECRET);
    Path secretsDir = Files.createDirectories(cluster.dir().resolve("secrets")).toAbsolutePath();
    Path hookSecret = Files.writeString(secretsDir.resolve("hook.secret"), HOOK_SECRET + "\n");
    cluster.withNodeYaml("secrets: {dirs: [\"" + secretsDir + "\"]}\n");
    cluster.startAll();
    cluster.awaitLeader(30_000);
    cluster.apply("""
        targets:
          - id: api
            http: {url: "%1$s", headers: {Authorization: "Bearer ${QW_PROBE_TOKEN}"}}
            interval: 1s
            timeout: 800ms
            repair:
              steps:
                - {name: restart, attempts: 1, wait: 1s, timeout: 2s,
                   http: {url: "%1$s", headers: {Authorization: "Bearer ${QW_REPAIR_TOKEN}"}}}
        receivers:
          - id: ops
            webhook: {url: "%2$s/${QW_HOOK_PATH}", secret_file: "%3$s"}
          - id: pager
            pagerduty: {routing_key: "${QW_PD_KEY}", url: "%4$s/v2/enqueue"}
        """.formatted(target.url(), receiver.url(), hookSecret.toAbsolutePath(), pagerDuty.url()));
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 20_000)).isTrue();

    target.setUp(false);
    await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.pagesWithStatus("firing").isEmpty()
        && target.authorizationsSeen().contains("Bearer " + REPAIR_SECRET) && !pagerDuty.accepted().isEmpty());
    assertThat(target.authorizationsSeen()).contains("Bearer " + PROBE_SECRET);
    Received page = receiver.pagesWithStatus("firing").get(0);
    String t = page.signature().replaceAll("^t=(\\d+),v1=.*$", "$1");
    assertThat(page.path()).as("the URL's reference filled in").isEqualTo("/alerts/" + HOOK_PATH_SECRET);
    assertThat(page.signature()).as("signed with the secret read from the file")
        .isEqualTo(WebhookSigner.sign(HOOK_SECRET, Long.parseLong(t), page.rawBody()));

    // Every read of the API (the CLI prints what these answer), and the CLI itself once.
    List<String> seen = new ArrayList<>();
    int leader = cluster.awaitLeader(10_000);
    String server = cluster.api(leader);
    var api = cluster.client(leader);
    seen.add(api.getStatus(StatusRequest.getDefaultInstance()).toString());
    seen.add(api.listTargets(ListTargetsRequest.getDefaultInstance()).toString());
    seen.add(api.listIncidents(ListIncidentsRequest.getDefaultInstance()).toString());
    seen.add(api.listDeliveries(ListDeliveriesRequest.getDefaultInstance()).toString());
    seen.add(api.listServices(ListServicesRequest.getDefaultInstance()).toString());
    seen.add(api.listMembers(ListMembersRequest.getDefaultInstance()).toString());
    seen.add(api.explain(ExplainRequest.newBuilder().setTargetId("api").build()).toString());
    Cli.Result explain = Cli.run("explain", "api", "--json", "--server", server);
    assertThat(explain.exitCode()).as(explain.stderr()).isZero();
    seen.add(explain.stdout() + explain.stderr());
    Cli.Result test = Cli.run("test-receiver", "pager", "--server", server);
    assertThat(test.exitCode()).as(test.stderr()).isZero();
    seen.add(test.stdout() + test.stderr());
    Path backup = cluster.dir().resolve("state.qwbackup");
    assertThat(Cli.run("backup", "--out", backup.toString(), "--server", server).exitCode()).isZero();
    seen.add(new String(Files.readAllBytes(backup), StandardCharsets.ISO_8859_1));
    HttpClient http = HttpClient.newHttpClient();
    for (String path : List.of("/status.json", "/metrics", "/")) {
      seen.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort(0) + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    }
    for (int i = 0; i < 3; i++) {
      seen.add(cluster.log(i));
    }
    for (Map.Entry<String, String> secret : Map.of("probe header", PROBE_SECRET, "repair header", REPAIR_SECRET,
        "webhook secret", HOOK_SECRET, "webhook URL", HOOK_PATH_SECRET, "PagerDuty routing key", PD_ROUTING_KEY)
        .entrySet()) {
      assertThat(seen).as("the " + secret.getKey()).noneMatch(text -> text.contains(secret.getValue()));
    }
    assertThat(String.join("\n", seen)).as("the references are what the state holds").contains("${QW_PROBE_TOKEN}");
  }
}
