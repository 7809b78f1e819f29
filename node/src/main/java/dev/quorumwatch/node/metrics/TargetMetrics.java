package dev.quorumwatch.node.metrics;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Series labelled by target: this node's probe latency and results, and the cluster's
 * verdicts and open incidents. They are Prometheus instruments beside the exported Dropwizard
 * registry because Dropwizard names carry no labels (and target ids may contain dots, so a
 * name-to-label mapping would be ambiguous).
 */
public final class TargetMetrics {
  private final ProbeSeries probes = new ProbeSeries();

  /** {@code state}: reads the replicated state (the state machine's lock is held meanwhile). */
  public TargetMetrics(PrometheusRegistry registry, Function<Function<Coordinator, Void>, Void> state) {
    registry.register(probes);
    GaugeWithCallback.builder()
        .name("quorumwatch_target_verdict")
        .help("The cluster's verdict per target: 1 for the current verdict, 0 for the others")
        .labelNames("target", "verdict")
        .callback(callback -> state.apply(c -> {
          for (TargetSpec target : c.monitors().getTargetsList()) {
            Verdict current = c.verdictOf(target.getId());
            for (Verdict v : Verdict.values()) {
              if (v != Verdict.UNRECOGNIZED) {
                callback.call(current == v ? 1 : 0, target.getId(), verdictName(v));
              }
            }
          }
          return null;
        }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("quorumwatch_incidents_open")
        .help("Open incidents in the replicated state, by alert name and severity")
        .labelNames("alertname", "severity")
        .callback(callback -> state.apply(c -> {
          Map<String, Integer> open = new HashMap<>();
          for (Incident i : c.incidents()) {
            if (i.getOpen()) {
              open.merge(i.getAlertname() + "\n" + i.getSeverity(), 1, Integer::sum);
            }
          }
          open.forEach((key, n) -> callback.call(n, key.split("\n", 2)));
          return null;
        }))
        .register(registry);
  }

  static String verdictName(Verdict v) {
    return v.name().replace("VERDICT_", "").toLowerCase(Locale.ROOT);
  }

  public void recordProbe(String target, boolean ok, String failureClass, long latencyMs) {
    probes.record(target, ok ? "ok" : failureClass.isEmpty() ? "error" : failureClass, ok, latencyMs);
  }

  /** Drops the series of targets no longer configured. */
  public void retain(Set<String> targets) {
    probes.retain(targets);
  }
}
