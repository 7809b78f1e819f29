package dev.quorumwatch.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class MetricNameQueryTest {
  @Test
  void onlyTheNamedMetricsCountersByTheirExposedName() {
    Predicate<String> p = MetricNameQuery.of("name%5B%5D=quorumwatch_probes_total&name[]=up&other=x");
    assertThat(p.test("quorumwatch_probes")).as("registered without _total").isTrue();
    assertThat(p.test("quorumwatch_probes_total")).isTrue();
    assertThat(p.test("up")).isTrue();
    assertThat(p.test("quorumwatch_probe_latency_seconds")).isFalse();
    assertThat(p.test("other")).isFalse();
  }

  @Test
  void noNamesMeansEverything() {
    assertThat(MetricNameQuery.of(null).test("anything")).isTrue();
    assertThat(MetricNameQuery.of("debug=1").test("anything")).isTrue();
  }
}
