package dev.quorumwatch.node.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.cluster.TimedSections;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver.Received;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.Verdict;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Routes, grouping, reminders and acknowledgements, silences and maintenance windows,
 * regional warnings and the monitor watching itself, against a real 3-node cluster, real targets and real receivers;
 * the leader is killed in the middle of each behaviour.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertRoutingTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final int BULK = 200;
  /** Detection floor: failure_threshold x interval + 1 s, plus the time to decide and POST. */
  static final long FLOOR_MS = 2 * 1000 + 1000 + 1000;
  static final long GROUP_WAIT_MS = 5000;
  /** A member is called down after stale_after (3 s by default) and a third more. */
  static final long NODE_DOWN_AFTER_MS = 3000 + 1000;
  static final ObjectMapper JSON = new ObjectMapper();

  LocalCluster cluster;
  TargetServer bulk;
  TargetServer solo;
  WebhookReceiver grouped;
  WebhookReceiver pager;
  WebhookReceiver warnings;
  String monitorsYaml;

  @BeforeAll
  void start() throws Exception {
    bulk = clusters.own(new TargetServer());
    solo = clusters.own(new TargetServer());
    grouped = clusters.own(new WebhookReceiver());
    pager = clusters.own(new WebhookReceiver());
    warnings = clusters.own(new WebhookReceiver());
    StringBuilder yaml = new StringBuilder("targets:\n");
    for (int i = 0; i < BULK; i++) {
      yaml.append("""
            - id: bulk-%d
              http: {url: "%s?n=%d"}
              interval: 1s
              timeout: 800ms
              labels: {service: %s}
          """.formatted(i, bulk.url(), i, i % 2 == 0 ? "api" : "web"));
    }
    yaml.append("""
          - id: solo
            http: {url: "%s"}
            interval: 1s
            timeout: 800ms
            labels: {service: billing}
            warnings: {regional_for: 3s}
        receivers:
          - id: grouped
            webhook: {url: "%s"}
            route:
              match: ["alertname=TargetDown", "target=~bulk-.*"]
              group_by: [service]
              group_wait: %dms
              group_interval: 10s
          - id: pager
            webhook: {url: "%s"}
            route:
              match: ["target=solo"]
              severity: [critical]
              repeat_interval: 4s
          - id: warnings
            webhook: {url: "%s"}
            route:
              severity: [warning]
        """.formatted(solo.url(), grouped.url(), GROUP_WAIT_MS, pager.url(), warnings.url()));
    cluster = clusters.started("routing", 3);
    monitorsYaml = yaml.toString();
    cluster.apply(monitorsYaml);
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 30_000)).isTrue();
  }

  @Test
  @Order(1)
  void twoHundredTargetsDownAtOnceMakeOneNotificationPerServiceEvenAcrossALeaderKill() throws Exception {
    long downAt = System.currentTimeMillis();
    bulk.setUp(false);
    // The leader dies while the groups wait: the next leader sends each group exactly once.
    await().atMost(Duration.ofMillis(FLOOR_MS + 2000)).until(() -> cluster.client(cluster.anyRunning())
        .listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList().stream()
        .filter(t -> t.getId().startsWith("bulk-")).allMatch(t -> t.getVerdict() == Verdict.VERDICT_DOWN));
    int leader = cluster.awaitLeader(10_000);
    cluster.kill(leader);
    await().atMost(Duration.ofMillis(GROUP_WAIT_MS + FLOOR_MS + 8000)).until(() -> grouped.received().size() >= 2);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> grouped.received().size() == 2);
    List<Received> firing = grouped.received();
    assertThat(firing).hasSize(2);
    for (Received r : firing) {
      assertThat(r.status()).isEqualTo("firing");
      assertThat(r.body().path("alerts")).hasSize(BULK / 2);
      assertThat(r.body().path("groupLabels").path("service").asText()).isIn("api", "web");
      assertThat(r.body().path("commonLabels").path("service").asText()).isEqualTo(
          r.body().path("groupLabels").path("service").asText());
    }
    assertThat(firing).extracting(r -> r.body().path("groupLabels").path("service").asText())
        .containsExactlyInAnyOrder("api", "web");
    assertThat(firing.get(0).atMs() - downAt).as("not before group_wait").isGreaterThanOrEqualTo(GROUP_WAIT_MS);

    cluster.start(leader);
    bulk.setUp(true);
    await().atMost(Duration.ofSeconds(30)).until(() -> grouped.received().size() >= 4);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> grouped.received().size() == 4);
    List<Received> resolved = grouped.received().subList(2, grouped.received().size());
    assertThat(resolved).hasSize(2).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo("resolved");
      assertThat(r.body().path("alerts")).hasSize(BULK / 2);
    });
    cluster.awaitAllFresh(30_000);
    assertThat(pager.received()).as("the other routes do not get the bulk alerts").isEmpty();
  }

  @Test
  @Order(2)
  void remindersRepeatUntilAcknowledgedAndSurviveALeaderKill() throws Exception {
    solo.setUp(false);
    await().atMost(Duration.ofMillis(FLOOR_MS + 2000)).until(() -> pager.received().size() >= 1);
    Received first = pager.received().get(0);
    assertThat(first.alertname()).isEqualTo("TargetDown");
    JsonNode annotations = first.body().path("alerts").path(0).path("annotations");
    assertThat(annotations.path("failure_classes").asText()).matches("([a-z]+-[a-z]+=http_status,?){2,3}");
    assertThat(annotations.path("first_failure").asText()).isNotEmpty();
    String incident = first.incidentId();

    await().atMost(Duration.ofSeconds(7)).until(() -> pager.received().size() >= 2);
    cluster.kill(cluster.awaitLeader(10_000));
    await().atMost(Duration.ofSeconds(15)).until(() -> pager.received().size() >= 4);
    List<Received> got = pager.received();
    assertThat(got.subList(1, got.size())).allSatisfy(r -> {
      assertThat(r.incidentId()).isEqualTo(incident);
      assertThat(r.status()).isEqualTo("firing");
    });

    Cli.Result ack = Cli.run("ack", incident, "--by", "alice", "--comment", "looking", "--server", apiOfLiveNode());
    assertThat(ack.exitCode()).as(ack.stderr()).isZero();
    assertThat(ack.stdout()).contains(incident + " acknowledged by alice");
    int afterAck = pager.received().size();
    await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11))
        .until(() -> pager.received().size() <= afterAck + 1); // at most one reminder already on its way, then none
    int settled = pager.received().size();

    solo.setUp(true);
    await().atMost(Duration.ofMillis(FLOOR_MS + 2000)).until(() -> pager.received().size() > settled);
    assertThat(pager.received().get(settled).status()).isEqualTo("resolved");
    restartDeadNodes();
  }

  @Test
  @Order(3)
  void aSilenceSuppressesAndItsExpiryNotifiesWhileTheIncidentIsOpen() throws Exception {
    int before = pager.received().size();
    long silencedAt = System.currentTimeMillis();
    Cli.Result add = Cli.run("silence", "add", "--match", "target=solo", "--for", "12s", "--comment", "deploy",
        "--by", "bob", "--server", apiOfLiveNode());
    assertThat(add.exitCode()).as(add.stderr()).isZero();
    String silenceId = add.stdout().strip();
    solo.setUp(false);
    await().atMost(Duration.ofMillis(FLOOR_MS + 2000)).until(() -> openSoloIncidentSilenced());
    Cli.Result list = Cli.run("silence", "list", "--json", "--server", apiOfLiveNode());
    assertThat(JSON.readTree(list.stdout()).path("silences")).anySatisfy(s -> {
      assertThat(s.path("id").asText()).isEqualTo(silenceId);
      assertThat(s.path("state").asText()).isEqualTo("active");
      assertThat(s.path("created_by").asText()).isEqualTo("bob");
    });
    cluster.kill(cluster.awaitLeader(10_000));
    await().atMost(Duration.ofSeconds(25)).until(() -> pager.received().size() > before);
    assertThat(System.currentTimeMillis() - silencedAt).as("nothing while silenced").isGreaterThanOrEqualTo(12_000);
    assertThat(pager.received().get(before).status()).isEqualTo("firing");
    solo.setUp(true);
    await().atMost(Duration.ofMillis(FLOOR_MS + 5000)).until(() -> pager.received().stream().skip(before)
        .anyMatch(r -> r.status().equals("resolved")));
    restartDeadNodes();
  }

  @Test
  @Order(4)
  void aRegionOnlyFailureWarnsOnceAndNeverPages() throws Exception {
    int pagesBefore = pager.received().size();
    int warningsBefore = warnings.alerts().size();
    solo.setDownOnlyFor(Set.of("eu-west"));
    await().atMost(Duration.ofMillis(3000 + FLOOR_MS + 2000)).until(() -> warnings.alerts().size() > warningsBefore);
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
        .until(() -> alertsSince(warnings, warningsBefore).equals(List.of("TargetRegional solo firing")));
    solo.setDownOnlyFor(Set.of());
    await().atMost(Duration.ofMillis(FLOOR_MS + 2000)).until(() -> alertsSince(warnings, warningsBefore)
        .contains("TargetRegional solo resolved"));
    assertThat(pager.received()).hasSize(pagesBefore);
  }

  @Test
  @Order(5)
  void aKilledNodeIsReportedDownAndResolvedWhenItReturns() throws Exception {
    cluster.awaitAllFresh(30_000);
    int before = warnings.alerts().size();
    int victim = (cluster.awaitLeader(10_000) + 1) % 3;
    String nodeDown = "MonitorNodeDown " + cluster.id(victim) + " firing";
    long firedAfter = TimedSections.timed(() -> {
      long killedAt = System.currentTimeMillis();
      cluster.kill(victim);
      await().atMost(Duration.ofMillis(NODE_DOWN_AFTER_MS + FLOOR_MS)).until(() -> alertsSince(warnings, before).contains(nodeDown));
      return System.currentTimeMillis() - killedAt;
    });
    cluster.start(victim);
    await().atMost(Duration.ofSeconds(30)).until(() -> alertsSince(warnings, before).contains(
        "MonitorNodeDown " + cluster.id(victim) + " resolved"));
    assertThat(warnings.alerts().subList(before, warnings.alerts().size()))
        .containsSubsequence(nodeDown, "MonitorNodeDown " + cluster.id(victim) + " resolved");
    assertThat(firedAfter).isLessThan(NODE_DOWN_AFTER_MS + FLOOR_MS);
  }

  @Test
  @Order(6)
  void aMaintenanceWindowSuppressesAndItsEndNotifiesWhileTheIncidentIsOpen() throws Exception {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    ZonedDateTime opened = now.truncatedTo(ChronoUnit.MINUTES);
    long closesAt = now.toInstant().toEpochMilli() + 14_000;
    cluster.apply(monitorsYaml + """
        maintenance:
          - id: solo-deploys
            match: ["target=solo"]
            weekly: {days: [mon, tue, wed, thu, fri, sat, sun], start: "%s", duration: %dms, time_zone: UTC}
        """.formatted(opened.format(DateTimeFormatter.ofPattern("HH:mm")),
        closesAt - opened.toInstant().toEpochMilli()));
    int before = pager.received().size();
    solo.setUp(false);
    await().atMost(Duration.ofMillis(FLOOR_MS + 2000)).until(() -> openSoloIncidentSilenced());
    cluster.kill(cluster.awaitLeader(10_000));
    await().atMost(Duration.ofSeconds(25)).until(() -> pager.received().size() > before);
    assertThat(System.currentTimeMillis()).as("nothing while the window is open").isGreaterThanOrEqualTo(closesAt);
    assertThat(pager.received().get(before).status()).isEqualTo("firing");
    solo.setUp(true);
    await().atMost(Duration.ofMillis(FLOOR_MS + 5000)).until(() -> pager.received().stream().skip(before)
        .anyMatch(r -> r.status().equals("resolved")));
    restartDeadNodes();
    cluster.apply(monitorsYaml);
  }

  private static List<String> alertsSince(WebhookReceiver receiver, int from) {
    List<String> all = receiver.alerts();
    return all.subList(Math.min(from, all.size()), all.size());
  }

  /** Each behaviour starts from a healthy cluster and a healthy target, whatever the last one left. */
  @BeforeEach
  void healthy() throws Exception {
    solo.setUp(true);
    solo.setDownOnlyFor(Set.of());
    restartDeadNodes();
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.client(cluster.anyRunning())
        .listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList().stream()
        .allMatch(t -> t.getVerdict() == Verdict.VERDICT_UP));
  }

  private boolean openSoloIncidentSilenced() {
    return cluster.client(cluster.anyRunning()).listIncidents(ListIncidentsRequest.getDefaultInstance())
        .getIncidentsList().stream()
        .anyMatch(i -> i.getTargetId().equals("solo") && i.getOpen() && i.getAlertname().equals("TargetDown")
            && i.getSilenced());
  }

  private String apiOfLiveNode() {
    return cluster.api(cluster.anyRunning());
  }

  private void restartDeadNodes() throws Exception {
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.isRunning(i)) {
        cluster.start(i);
      }
    }
    cluster.awaitAllFresh(30_000);
  }
}
