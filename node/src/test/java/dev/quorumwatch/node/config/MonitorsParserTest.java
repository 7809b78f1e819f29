package dev.quorumwatch.node.config;

import dev.quorumwatch.coordinator.MonitorsCheck;
import dev.quorumwatch.coordinator.time.ZoneRulesCodec;
import dev.quorumwatch.proto.ZoneRulesSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.proto.MaintenanceWindow;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.RepairSpec;
import dev.quorumwatch.proto.RepairStep;
import dev.quorumwatch.proto.RouteSpec;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.TargetSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorsParserTest {
  static final String CONTRACT_EXAMPLE = """
      targets:
        - id: api-us-west
          http: {url: "http://127.0.0.1:8080/health", expect_status: [200]}
          interval: 1s
          timeout: 800ms
          failure_threshold: 2
          recovery_threshold: 2
          labels: {service: api, team: core}
        - id: db
          tcp: {address: "127.0.0.1:5432"}
      receivers:
        - id: ops
          webhook: {url: "http://127.0.0.1:9900/alerts", secret_env: QW_WEBHOOK_SECRET}
      """;

  @Test
  void readsTheDocumentedExampleWithDefaults() throws Exception {
    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE);
    TargetSpec api = spec.getTargets(0);
    assertThat(api.getIntervalMs()).isEqualTo(1000);
    assertThat(api.getTimeoutMs()).isEqualTo(800);
    assertThat(api.getHttp().getExpectStatusList()).containsExactly(200);
    assertThat(api.getLabelsList()).extracting(l -> l.getName() + "=" + l.getValue()).containsExactly("service=api", "team=core");
    TargetSpec db = spec.getTargets(1);
    assertThat(db.getTcp().getPort()).isEqualTo(5432);
    assertThat(db.getIntervalMs()).isEqualTo(10_000);
    assertThat(db.getTimeoutMs()).isEqualTo(5_000);
    assertThat(db.getFailureThreshold()).isEqualTo(2);
    assertThat(spec.getReceivers(0).getWebhook().getSecretEnv()).isEqualTo("QW_WEBHOOK_SECRET");
  }

  @Test
  void errorsNameTheFieldPath() {
    assertError(CONTRACT_EXAMPLE.replace("interval: 1s", "interval: 1 second"),
        "monitors.yaml: targets[0].interval: expected a positive duration such as 500ms, 10s or 2m (at most 3650d), got '1 second'");
    assertError(CONTRACT_EXAMPLE.replace("expect_status: [200]", "expect_status: [200, 999]"),
        "monitors.yaml: targets[0].http.expect_status[1]: expected a whole number from 100 to 599, got 999");
    assertError(CONTRACT_EXAMPLE.replace("timeout: 800ms", "timeout: 2s"),
        "monitors.yaml: targets[0].timeout: expected at most the interval (1s), got 2s");
    assertError(CONTRACT_EXAMPLE.replace("id: db", "id: api-us-west"),
        "monitors.yaml: targets[1].id: duplicate target id 'api-us-west'");
    assertError(CONTRACT_EXAMPLE.replace("tcp: {address: \"127.0.0.1:5432\"}", "interval: 5s"),
        "monitors.yaml: targets[1]: expected exactly one probe: http, tcp, grpc or dns");
    assertError(CONTRACT_EXAMPLE.replace("http://127.0.0.1:9900/alerts", "ftp://x"),
        "monitors.yaml: receivers[0].webhook.url: expected an http:// or https:// URL, got 'ftp://x'");
    assertError(CONTRACT_EXAMPLE.replace("failure_threshold: 2", "failure_treshold: 2"),
        "monitors.yaml: targets[0].failure_treshold: unknown key");
    assertError(CONTRACT_EXAMPLE.replace("- id: db", "- name: db"), "monitors.yaml: targets[1].name: unknown key");
  }

  @Test
  void aWebhookUrlMayHoldSecretsByReference() throws Exception {
    for (String url : List.of("https://hooks.example.com/services/${QW_HOOK_PATH}", "${file:/etc/quorumwatch/hook.url}",
        "https://${QW_HOOK_HOST}/alerts?key=${QW_HOOK_KEY}")) {
      MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE.replace("http://127.0.0.1:9900/alerts", url));
      assertThat(spec.getReceivers(0).getWebhook().getUrl()).as("kept as written, looked up when sending").isEqualTo(url);
    }
    assertError(CONTRACT_EXAMPLE.replace("http://127.0.0.1:9900/alerts", "https://hooks.example.com/${1PATH}"),
        "monitors.yaml: receivers[0].webhook.url: expected ${NAME} (an environment variable) or ${file:/path} in a reference");
    assertError(CONTRACT_EXAMPLE.replace("http://127.0.0.1:9900/alerts", "ftp://hooks.example.com/${QW_HOOK_PATH}"),
        "monitors.yaml: receivers[0].webhook.url: expected an http:// or https:// URL, got 'ftp://hooks.example.com/${QW_HOOK_PATH}'");
  }

  static final String ALERTING = CONTRACT_EXAMPLE + """
          route:
            match: ["service=~api|web", "team!=qa"]
            severity: [critical]
            send_resolved: false
            repeat_interval: 1h
            group_by: [service]
            group_wait: 10s
            daily_digest: {at: "08:15", time_zone: Asia/Tokyo}
      maintenance:
        - id: db-weekly
          match: ["service=db"]
          weekly: {days: [sat, sunday], start: "02:30", duration: 2h, time_zone: Europe/Berlin}
          comment: backups
      max_delivery_age: 2h
      """;

  @Test
  void readsRoutesWindowsAndTheirDefaults() throws Exception {
    MonitorsSpec plain = MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE);
    RouteSpec defaults = plain.getReceivers(0).getRoute();
    assertThat(defaults.getSendResolved()).isTrue();
    assertThat(defaults.getRepeatIntervalMs()).isEqualTo(4 * 3600 * 1000L);
    assertThat(defaults.getGroupWaitMs()).as("no grouping: no wait").isZero();
    assertThat(plain.getMaxDeliveryAgeMs()).isEqualTo(24 * 3600 * 1000L);
    assertThat(plain.getTargets(0).getWarnings().getRegional()).isTrue();
    assertThat(plain.getTargets(0).getWarnings().getRegionalForMs()).isEqualTo(30_000);

    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", ALERTING);
    RouteSpec route = spec.getReceivers(0).getRoute();
    assertThat(route.getMatchersList()).extracting(Matchers::format)
        .containsExactly("service=~\"api|web\"", "team!=\"qa\"");
    assertThat(route.getSeveritiesList()).containsExactly("critical");
    assertThat(route.getSendResolved()).isFalse();
    assertThat(route.getGroupByList()).containsExactly("service");
    assertThat(route.getGroupWaitMs()).isEqualTo(10_000);
    assertThat(route.getGroupIntervalMs()).as("grouping default").isEqualTo(5 * 60_000);
    assertThat(route.getDailyDigest().getAtMinute()).isEqualTo(8 * 60 + 15);
    assertThat(route.getDailyDigest().getTimeZone()).isEqualTo("Asia/Tokyo");
    assertThat(defaults.hasDailyDigest()).as("no digest unless asked").isFalse();
    MaintenanceWindow w = spec.getMaintenance(0);
    assertThat(w.getDaysList()).containsExactly(6, 7);
    assertThat(w.getStartMinute()).isEqualTo(150);
    assertThat(w.getTimeZone()).isEqualTo("Europe/Berlin");
    assertThat(spec.getMaxDeliveryAgeMs()).isEqualTo(2 * 3600 * 1000L);
  }

  @Test
  void readsStatusPagesAndRefusesItemsThatDoNotExistOrRepeat() throws Exception {
    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE + """
        status_pages:
          - id: public
            title: "  Example status "
            groups:
              - name: Web
                items:
                  - {target: api-us-west, name: API}
        """);
    assertThat(spec.getStatusPages(0).getTitle()).isEqualTo("Example status");
    assertThat(spec.getStatusPages(0).getGroups(0).getItems(0).getTargetId()).isEqualTo("api-us-west");
    String page = CONTRACT_EXAMPLE + "status_pages:\n  - id: public\n    title: Status\n    groups:\n"
        + "      - name: Web\n        items:\n";
    assertError(page + "          - {target: nope, name: X}\n",
        "monitors.yaml: status_pages[0].groups[0].items[0].target: 'nope' is not a target id in this file");
    assertError(page + "          - {target: db, service: db, name: X}\n",
        "monitors.yaml: status_pages[0].groups[0].items[0]: expected exactly one of target or service");
    assertError(page + "          - {target: db, name: X}\n          - {target: db, name: Y}\n",
        "monitors.yaml: status_pages[0].groups[0].items[1].target: 'db' is listed twice on this page");
    assertError(page + "          - {target: db, name: \"\"}\n",
        "monitors.yaml: status_pages[0].groups[0].items[0].name: expected a non-empty value");
  }

  @Test
  void readsInhibitRulesAsAlertmanagerWritesThem() throws Exception {
    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE + """
        inhibit_rules:
          - source_matchers: [alertname="MonitorNodeDown"]
            target_matchers: [alertname="TargetDown", 'team=~"core|edge"']
            equal: [region]
        """);
    assertThat(spec.getInhibitRules(0).getSourceMatchersList()).extracting(Matchers::format)
        .containsExactly("alertname=\"MonitorNodeDown\"");
    assertThat(spec.getInhibitRules(0).getTargetMatchersList()).extracting(Matchers::format)
        .containsExactly("alertname=\"TargetDown\"", "team=~\"core|edge\"");
    assertThat(spec.getInhibitRules(0).getEqualList()).containsExactly("region");
    assertError(CONTRACT_EXAMPLE + "inhibit_rules:\n  - source_matchers: [service=api]\n",
        "monitors.yaml: inhibit_rules[0]: expected both source_matchers and target_matchers");
    assertError(CONTRACT_EXAMPLE + "inhibit_rules:\n  - {source_matchers: [\"service\"], target_matchers: [a=b]}\n",
        "monitors.yaml: inhibit_rules[0].source_matchers[0]: expected a matcher like name=value");
  }

  @Test
  void readsRetentionAndRefusesDurationsOutsideItsBounds() throws Exception {
    MonitorsSpec plain = MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE);
    assertThat(plain.hasRetention()).as("defaults, kept by the coordinator").isFalse();
    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE + """
        retention:
          resolved_incidents: 180d
          ping_bodies: 12h
        """);
    assertThat(spec.getRetention().getResolvedIncidentsMs()).isEqualTo(180 * 86_400_000L);
    assertThat(spec.getRetention().getFailedNotificationsMs()).as("absent: the default").isZero();
    assertThat(spec.getRetention().getPingBodiesMs()).isEqualTo(12 * 3_600_000L);
    assertError(CONTRACT_EXAMPLE + "retention: {ping_bodies: 10m}\n",
        "monitors.yaml: retention.ping_bodies: expected between 1h and 400d, got 10m");
    assertError(CONTRACT_EXAMPLE + "retention: {resolved_incidents: 500d}\n",
        "monitors.yaml: retention.resolved_incidents: expected between 1h and 400d, got 500d");
    assertError(CONTRACT_EXAMPLE + "retention: {incidents: 5d}\n",
        "monitors.yaml: retention.incidents: unknown key (expected one of failed_notifications, ping_bodies,"
            + " resolved_incidents)");
  }

  @Test
  void readsAHeartbeatTargetAndRefusesProbeSettingsOnIt() throws Exception {
    String sha = "0123456789abcdef".repeat(4);
    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", """
        targets:
          - id: nightly-backup
            heartbeat: {period: 1d, grace: 1h, max_runtime: 2h, token_sha256: %s}
            labels: {team: storage}
        """.formatted(sha));
    assertThat(spec.getTargets(0).getHeartbeat().getPeriodMs()).isEqualTo(86_400_000L);
    assertThat(spec.getTargets(0).getHeartbeat().getGraceMs()).isEqualTo(3_600_000L);
    assertThat(spec.getTargets(0).getHeartbeat().getMaxRuntimeMs()).isEqualTo(7_200_000L);
    assertThat(spec.getTargets(0).getHeartbeat().getTokenSha256()).isEqualTo(sha);
    assertThat(spec.getTargets(0).getLabelsList()).extracting(l -> l.getName() + "=" + l.getValue())
        .containsExactly("team=storage");
    assertThat(MonitorsCheck.problem(spec)).isNull();
    assertThat(MonitorsParser.parse("m.yaml", "targets: [{id: j, heartbeat: {period: 5m, token_sha256: " + sha + "}}]")
        .getTargets(0).getHeartbeat().getGraceMs()).as("default grace").isEqualTo(60_000);

    assertThatThrownBy(() -> MonitorsParser.parse("m.yaml",
        "targets: [{id: j, interval: 5s, heartbeat: {period: 5m, token_sha256: " + sha + "}}]"))
        .hasMessageContaining("m.yaml: targets[0]").hasMessageContaining("interval");
    assertThatThrownBy(() -> MonitorsParser.parse("m.yaml", "targets: [{id: j, heartbeat: {token_sha256: " + sha + "}}]"))
        .hasMessage("m.yaml: targets[0].heartbeat: expected a period: how often the job pings, such as 5m or 1d");
    assertThatThrownBy(() -> MonitorsParser.parse("m.yaml", "targets: [{id: j, heartbeat: {period: 5m, token_sha256: abc}}]"))
        .hasMessage("m.yaml: targets[0].heartbeat.token_sha256: expected the token's SHA-256 as 64 lower-case hex"
            + " digits (quorumwatch heartbeat new-token prints a token and its hash), got 3 characters");
    assertThatThrownBy(() -> MonitorsParser.parse("m.yaml", "targets: [{id: j, heartbeat: {period: 1s, token_sha256: "
        + sha + "}}]")).hasMessage("m.yaml: targets[0].heartbeat.period: expected a duration from 10s to 365d, got 1s");
  }

  @Test
  void readsDependenciesAndRefusesUnknownIdsAndCycles() throws Exception {
    String targets = """
        targets:
          - {id: gateway, tcp: {address: "127.0.0.1:1"}}
          - {id: app, tcp: {address: "127.0.0.1:2"}, depends_on: [gateway]}
        services:
          - {id: api, endpoints: [app], depends_on: [gateway]}
        """;
    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", targets);
    assertThat(spec.getTargets(1).getDependsOnList()).containsExactly("gateway");
    assertThat(spec.getServices(0).getDependsOnList()).containsExactly("gateway");
    assertThatThrownBy(() -> MonitorsParser.parse("monitors.yaml", targets.replace("[gateway]}\nservices", "[gw]}\nservices")))
        .hasMessage("monitors.yaml: targets[1].depends_on: no target or service gw");
    assertThatThrownBy(() -> MonitorsParser.parse("monitors.yaml", targets.replace(":1\"}}", ":1\"}, depends_on: [api]}")))
        .hasMessageStartingWith("monitors.yaml: depends_on: a cycle, ");
  }

  @Test
  void carriesTheRulesOfEveryZoneItNamesSoReplicasAgreeOnLocalTimes() throws Exception {
    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", ALERTING);
    assertThat(spec.getZoneRulesList()).extracting(ZoneRulesSpec::getZone).containsExactly("Asia/Tokyo", "Europe/Berlin");
    ZoneRulesSpec berlin = spec.getZoneRules(1);
    assertThat(berlin.getTzdbVersion()).isNotEmpty();
    assertThat(ZoneRulesCodec.decode(berlin).getOffset(Instant.parse("2026-07-01T00:00:00Z")))
        .isEqualTo(ZoneOffset.ofHours(2));
    assertThat(MonitorsCheck.problem(spec)).isNull();
    assertThat(MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE).getZoneRulesList())
        .as("no window or digest: no zone").isEmpty();
  }

  @Test
  void alertingErrorsNameTheFieldPath() {
    assertError(ALERTING.replace("team!=qa", "team~qa"),
        "monitors.yaml: receivers[0].route.match[1]: expected a matcher like name=value");
    assertError(ALERTING.replace("service=~api|web", "service=~(api"),
        "monitors.yaml: receivers[0].route.match[0]: bad regular expression '(api'");
    assertError(ALERTING.replace("severity: [critical]", "severity: [page]"),
        "monitors.yaml: receivers[0].route.severity[0]: expected critical or warning, got 'page'");
    assertError(ALERTING.replace("days: [sat, sunday]", "days: [caturday]"),
        "monitors.yaml: maintenance[0].weekly.days[0]: expected a day of the week");
    assertError(ALERTING.replace("start: \"02:30\"", "start: \"25:00\""),
        "monitors.yaml: maintenance[0].weekly.start: expected a local time HH:MM, got '25:00'");
    assertError(ALERTING.replace("Europe/Berlin", "Mars/Olympus"),
        "monitors.yaml: maintenance[0].weekly.time_zone: expected an IANA time zone such as Europe/Berlin, got 'Mars/Olympus'");
    assertError(ALERTING.replace("at: \"08:15\"", "at: \"8am\""),
        "monitors.yaml: receivers[0].route.daily_digest.at: expected a local time HH:MM, got '8am'");
    assertError(ALERTING.replace("group_wait: 10s", "group_wait: soon"),
        "monitors.yaml: receivers[0].route.group_wait: expected a duration such as 500ms");
  }

  static final String SERVICES = CONTRACT_EXAMPLE.replace("receivers:", """
      services:
        - id: api
          endpoints: [api-us-west, db]
          failback: manual
          failback_after: 2m
          labels: {team: core}
      receivers:""");

  @Test
  void readsServicesAndTheirDefaults() throws Exception {
    ServiceSpec api = MonitorsParser.parse("monitors.yaml", SERVICES).getServices(0);
    assertThat(api.getEndpointsList()).containsExactly("api-us-west", "db");
    assertThat(api.getFailback()).isEqualTo(ServiceSpec.Failback.FAILBACK_MANUAL);
    assertThat(api.getFailbackAfterMs()).isEqualTo(120_000);
    ServiceSpec plain = MonitorsParser.parse("monitors.yaml", SERVICES.replace("    failback: manual\n", "")
        .replace("    failback_after: 2m\n", "")).getServices(0);
    assertThat(plain.getFailback()).isEqualTo(ServiceSpec.Failback.FAILBACK_AUTO);
    assertThat(plain.getFailbackAfterMs()).isEqualTo(60_000);
  }

  @Test
  void serviceErrorsNameTheFieldPath() {
    assertError(SERVICES.replace("[api-us-west, db]", "[api-us-west, cache]"),
        "monitors.yaml: services[0].endpoints[1]: 'cache' is not a target id in this file");
    assertError(SERVICES.replace("[api-us-west, db]", "[db, db]"),
        "monitors.yaml: services[0].endpoints[1]: 'db' is listed twice");
    assertError(SERVICES.replace("failback: manual", "failback: sometimes"),
        "monitors.yaml: services[0].failback: expected auto or manual, got 'sometimes'");
  }

  static final String REPAIRED = CONTRACT_EXAMPLE.replace("  - id: db\n", """
          repair:
            max_ladders_per_hour: 3
            steps:
              - name: restart
                attempts: 3
                wait: 10s
                http: {url: "https://platform/restart", headers: {Authorization: "Bearer ${TOKEN}"}, expect_status: [202]}
              - name: rollback
                command: {argv: [/usr/local/bin/rollback, api]}
        - id: db
      """);

  @Test
  void readsRepairLaddersAndTheClassicTemplate() throws Exception {
    RepairSpec repair = MonitorsParser.parse("monitors.yaml", REPAIRED).getTargets(0).getRepair();
    assertThat(repair.getMaxLaddersPerHour()).isEqualTo(3);
    assertThat(repair.getStepsList()).extracting(RepairStep::getName).containsExactly("restart", "rollback");
    RepairStep restart = repair.getSteps(0);
    assertThat(restart.getAttempts()).isEqualTo(3);
    assertThat(restart.getWaitMs()).isEqualTo(10_000);
    assertThat(restart.getTimeoutMs()).as("default").isEqualTo(30_000);
    assertThat(restart.getHttp().getMethod()).isEqualTo("POST");
    assertThat(restart.getHttp().getHeaders(0).getValue()).as("kept for the node to expand").isEqualTo("Bearer ${TOKEN}");
    assertThat(repair.getSteps(1).getCommand().getArgvList()).containsExactly("/usr/local/bin/rollback", "api");

    RepairSpec classic = MonitorsParser.parse("monitors.yaml", CONTRACT_EXAMPLE.replace("  - id: db\n", """
          repair:
            template: classic
            actions:
              restart: {http: {url: "https://platform/restart"}}
              redeploy: {http: {url: "https://platform/redeploy"}}
              rollback: {http: {url: "https://platform/rollback"}}
        - id: db
      """)).getTargets(0).getRepair();
    assertThat(classic.getStepsList()).extracting(s -> s.getName() + "x" + s.getAttempts())
        .containsExactly("restartx3", "redeployx2", "rollbackx1");
    assertThat(classic.getSteps(0).getWaitMs()).isEqualTo(10_000);
    assertThat(classic.getSteps(1).getTimeoutMs()).isEqualTo(120_000);
  }

  @Test
  void repairErrorsNameTheFieldPath() {
    assertError(REPAIRED.replace("https://platform/restart", "ftp://platform/restart"),
        "monitors.yaml: targets[0].repair.steps[0].http.url: expected an http:// or https:// URL");
    assertError(REPAIRED.replace("command: {argv: [/usr/local/bin/rollback, api]}", "wait: 1s"),
        "monitors.yaml: targets[0].repair.steps[1]: expected exactly one action: http or command");
    assertError(REPAIRED.replace("attempts: 3", "attempts: 0"),
        "monitors.yaml: targets[0].repair.steps[0].attempts:");
    assertError(REPAIRED.replace("argv: [/usr/local/bin/rollback, api]", "argv: [\"${QW_TOOL}\", api]"),
        "monitors.yaml: targets[0].repair.steps[1].command.argv: expected the program as a path, not a reference");
  }

  static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> MonitorsParser.parse("monitors.yaml", yaml)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }
}
