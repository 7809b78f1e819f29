package dev.quorumwatch.node.config;

import static dev.quorumwatch.node.config.MonitorsParserTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.MonitorsSpec;
import org.junit.jupiter.api.Test;

/** Targets' probes and the limits on targets, as monitors.yaml states them. */
class ProbesParserTest {
  static final String HTTP_OPTIONS = """
      targets:
        - id: api
          http:
            url: "https://api.example.com/health"
            method: post
            headers: {X-Probe: qw}
            body: "{}"
            expect_status: [200, "300-399"]
            expect_body: {contains: up, regex: 'v\\d+', json: {pointer: /status, equals: up}}
            redirects: 2
            tls: {verify: false, server_name: api.internal}
            connection: fresh
      """;

  @Test
  void readsHttpProbeOptions() throws Exception {
    HttpProbe http = MonitorsParser.parse("monitors.yaml", HTTP_OPTIONS).getTargets(0).getHttp();
    assertThat(http.getMethod()).isEqualTo("POST");
    assertThat(http.getHeaders(0).getValue()).isEqualTo("qw");
    assertThat(http.getExpectStatusList()).containsExactly(200);
    assertThat(http.getExpectStatusRanges(0).getFrom()).isEqualTo(300);
    assertThat(http.getExpectStatusRanges(0).getTo()).isEqualTo(399);
    assertThat(http.getBodyRegex()).isEqualTo("v\\d+");
    assertThat(http.getJsonPointer()).isEqualTo("/status");
    assertThat(http.getMaxRedirects()).isEqualTo(2);
    assertThat(http.getTlsInsecure()).isTrue();
    assertThat(http.getTlsServerName()).isEqualTo("api.internal");
    assertThat(http.getFreshConnection()).isTrue();
  }

  @Test
  void httpProbeErrorsNameTheFieldPath() {
    assertError(HTTP_OPTIONS.replace("\"300-399\"", "\"399-300\""),
        "monitors.yaml: targets[0].http.expect_status[1]: expected a range low-high, got '399-300'");
    assertError(HTTP_OPTIONS.replace("\"300-399\"", "\"3xx\""),
        "monitors.yaml: targets[0].http.expect_status[1]: expected a status code or a range such as 200-299");
    assertError(HTTP_OPTIONS.replace("method: post", "method: fetch"),
        "monitors.yaml: targets[0].http.method: expected one of GET, HEAD, POST");
    assertError(HTTP_OPTIONS.replace("pointer: /status", "pointer: status"),
        "monitors.yaml: targets[0].http.expect_body.json.pointer: expected a JSON pointer such as /status");
    assertError(HTTP_OPTIONS.replace("connection: fresh", "connection: sometimes"),
        "monitors.yaml: targets[0].http.connection: expected keep_alive or fresh");
    assertError(HTTP_OPTIONS.replace("tls: {verify: false,", "tls: {ca_file: /nonexistent/ca.pem,"),
        "monitors.yaml: targets[0].http.tls.ca_file: cannot read '/nonexistent/ca.pem'");
  }

  static final String OTHER_PROBES = """
      targets:
        - id: redis
          tcp: {address: "127.0.0.1:6379", send: "PING\\r\\n", expect: "+PONG"}
        - id: grpc-api
          grpc: {address: "127.0.0.1:50051", service: api, tls: {verify: true}}
        - id: dns-api
          dns: {name: api.example.com, type: aaaa, resolver: "127.0.0.1:53", expect: ["2001:db8::1"]}
      """;

  @Test
  void readsTcpGrpcAndDnsProbes() throws Exception {
    MonitorsSpec spec = MonitorsParser.parse("monitors.yaml", OTHER_PROBES);
    assertThat(spec.getTargets(0).getTcp().getSend()).isEqualTo("PING\r\n");
    assertThat(spec.getTargets(0).getTcp().getExpect()).isEqualTo("+PONG");
    assertThat(spec.getTargets(1).getGrpc().getService()).isEqualTo("api");
    assertThat(spec.getTargets(1).getGrpc().getTls()).isTrue();
    assertThat(spec.getTargets(2).getDns().getRecordType()).isEqualTo("AAAA");
    assertThat(spec.getTargets(2).getDns().getResolver()).isEqualTo("127.0.0.1:53");
    assertThat(spec.getTargets(2).getDns().getExpectList()).containsExactly("2001:db8::1");
    MonitorsSpec slow = MonitorsParser.parse("monitors.yaml", OTHER_PROBES.replace("  - id: redis\n",
        "  - id: redis\n    timeout: 800ms\n    slow_threshold: 300ms\n    predict_horizon: 30s\n"));
    assertThat(slow.getTargets(0).getLatency().getSlowThresholdMs()).isEqualTo(300);
    assertThat(slow.getTargets(0).getLatency().getPredictHorizonMs()).isEqualTo(30_000);
    assertThat(slow.getTargets(0).getLatency().getTrendSamples()).isEqualTo(30);
    assertError(OTHER_PROBES.replace("  - id: redis\n", "  - id: redis\n    timeout: 800ms\n    slow_threshold: 2s\n"),
        "monitors.yaml: targets[0].slow_threshold: expected at most the timeout (800ms), got 2s");
    assertError(OTHER_PROBES.replace("type: aaaa", "type: MX"),
        "monitors.yaml: targets[2].dns.type: expected A, AAAA or CNAME, got 'MX'");
  }

  @Test
  void limitsOnIntervalsDurationsAndLabels() {
    String target = "targets:\n  - {id: a, http: {url: \"http://127.0.0.1:1/\"}, interval: %s, labels: %s}\n";
    assertError(target.formatted("100ms", "{}"), "monitors.yaml: targets[0].interval: expected at least 250ms");
    assertError(target.formatted("99999999999999999999s", "{}"),
        "monitors.yaml: targets[0].interval: expected a positive duration such as 500ms, 10s or 2m (at most 3650d)");
    assertError(target.formatted("9223372036854775807d", "{}"), "monitors.yaml: targets[0].interval: expected a positive");
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 33; i++) {
      many.append(i == 0 ? "" : ", ").append("l").append(i).append(": v");
    }
    assertError(target.formatted("1s", many + "}"), "monitors.yaml: targets[0].labels: expected at most 32 labels, got 33");
    assertError(target.formatted("1s", "{team-name: core}"),
        "monitors.yaml: targets[0].labels: expected label names of letters, digits and '_'");
    assertError(target.formatted("1s", "{team: " + "x".repeat(1025) + "}"),
        "monitors.yaml: targets[0].labels.team: expected at most 1024 characters, got 1025");
    assertThat(Durations.parseMs("3650d")).isEqualTo(Durations.MAX_MS);
    assertThat(Durations.parseMs("3651d")).isEqualTo(-1);
  }

  @Test
  void moreTargetsThanOneClusterTakesAreRefusedBeforeTheFileIsRead() {
    StringBuilder yaml = new StringBuilder("targets:\n");
    for (int i = 0; i <= MonitorsParser.MAX_TARGETS; i++) {
      yaml.append("  - {id: t").append(i).append(", tcp: {address: \"127.0.0.1:1\"}}\n");
    }
    assertThatThrownBy(() -> MonitorsParser.parse("monitors.yaml", yaml.toString()))
        .hasMessageContaining("monitors.yaml: targets: expected at most 20000 targets per cluster, got 20001");
  }
}
