package dev.quorumwatch.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-target probe series in primitive arrays, exposed in the text format as the instruments were. */
class ProbeSeriesTest {
  private static String scrape(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void latencyBucketsSumAndResultsPerTargetAsTextFormat() throws Exception {
    ProbeSeries series = new ProbeSeries();
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(series);
    series.record("api", "ok", true, 3);
    series.record("api", "ok", true, 40);
    series.record("api", "ok", true, 20_000);
    series.record("api", "timeout", false, 500);
    series.record("web", "refused", false, 1);

    String text = scrape(registry);
    assertThat(text).contains(
        "quorumwatch_probe_latency_seconds_bucket{target=\"api\",le=\"0.005\"} 1",
        "quorumwatch_probe_latency_seconds_bucket{target=\"api\",le=\"0.05\"} 2",
        "quorumwatch_probe_latency_seconds_bucket{target=\"api\",le=\"10.0\"} 2",
        "quorumwatch_probe_latency_seconds_bucket{target=\"api\",le=\"+Inf\"} 3",
        "quorumwatch_probe_latency_seconds_count{target=\"api\"} 3",
        "quorumwatch_probe_latency_seconds_sum{target=\"api\"} 20.043",
        "quorumwatch_probe_results_total{result=\"ok\",target=\"api\"} 3.0",
        "quorumwatch_probe_results_total{result=\"timeout\",target=\"api\"} 1.0",
        "quorumwatch_probe_results_total{result=\"refused\",target=\"web\"} 1.0",
        "# TYPE quorumwatch_probe_latency_seconds histogram",
        "# TYPE quorumwatch_probe_results_total counter");
    assertThat(text).as("no latency series for a target that never answered")
        .doesNotContain("quorumwatch_probe_latency_seconds_count{target=\"web\"}");

    series.retain(Set.of("web"));
    assertThat(scrape(registry)).doesNotContain("target=\"api\"").contains("target=\"web\"");
  }

  @Test
  void latencyHistoryKeepsTheLastSamplesOldestFirst() {
    LatencyHistory history = new LatencyHistory(3);
    for (long ms = 1; ms <= 5; ms++) {
      history.record("api", true, ms);
    }
    history.record("api", false, 99);
    history.record("web", true, 7);
    assertThat(history.snapshot()).isEqualTo(Map.of("api", List.of(3L, 4L, 5L), "web", List.of(7L)));
  }
}
