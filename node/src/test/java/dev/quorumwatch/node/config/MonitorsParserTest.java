package dev.quorumwatch.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.TargetSpec;
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
        "monitors.yaml: targets[0].interval: expected a positive duration such as 500ms, 10s or 2m, got '1 second'");
    assertError(CONTRACT_EXAMPLE.replace("expect_status: [200]", "expect_status: [200, 999]"),
        "monitors.yaml: targets[0].http.expect_status[1]: expected a whole number from 100 to 599, got 999");
    assertError(CONTRACT_EXAMPLE.replace("timeout: 800ms", "timeout: 2s"),
        "monitors.yaml: targets[0].timeout: expected at most the interval (1s), got 2s");
    assertError(CONTRACT_EXAMPLE.replace("id: db", "id: api-us-west"),
        "monitors.yaml: targets[1].id: duplicate target id 'api-us-west'");
    assertError(CONTRACT_EXAMPLE.replace("tcp: {address: \"127.0.0.1:5432\"}", "interval: 5s"),
        "monitors.yaml: targets[1]: expected exactly one probe: http or tcp");
    assertError(CONTRACT_EXAMPLE.replace("http://127.0.0.1:9900/alerts", "ftp://x"),
        "monitors.yaml: receivers[0].webhook.url: expected an http:// or https:// URL, got 'ftp://x'");
    assertError(CONTRACT_EXAMPLE.replace("failure_threshold: 2", "failure_treshold: 2"),
        "monitors.yaml: targets[0].failure_treshold: unknown key");
    assertError(CONTRACT_EXAMPLE.replace("- id: db", "- name: db"), "monitors.yaml: targets[1].name: unknown key");
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> MonitorsParser.parse("monitors.yaml", yaml)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }
}
