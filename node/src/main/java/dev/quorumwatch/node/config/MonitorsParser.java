package dev.quorumwatch.node.config;

import dev.quorumwatch.coordinator.MonitorsCheck;
import dev.quorumwatch.coordinator.dependency.Dependencies;
import dev.quorumwatch.node.probe.ProbeKind;
import dev.quorumwatch.node.probe.ProbeKinds;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.LatencySpec;
import dev.quorumwatch.proto.MaintenanceWindow;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Retention;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.WarningSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads and checks a monitors file ({@code monitors.yaml}) into the replicated spec. */
public final class MonitorsParser {
  static final long DEFAULT_INTERVAL_MS = 10_000;
  static final long DEFAULT_TIMEOUT_MS_MAX = 5_000;
  static final int DEFAULT_THRESHOLD = 2;
  static final long DEFAULT_MAX_DELIVERY_AGE_MS = 24L * 3600 * 1000;
  static final long DEFAULT_REGIONAL_FOR_MS = 30_000;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** The shortest probe interval: below it a probe's own latency is a large share of the interval. */
  public static final long MIN_INTERVAL_MS = 250;

  /** Twice what the capacity benchmark measured on 2 cores (10,000 targets at 10 s). */
  public static final int MAX_TARGETS = 20_000;

  private MonitorsParser() {}

  public static MonitorsSpec parse(String file, String text) throws ConfigException {
    YamlTree root = YamlTree.parse(file, text).onlyKeys(Set.of("targets", "services", "receivers", "maintenance",
        "max_delivery_age", "retention", "status_pages", "inhibit_rules"));
    MonitorsSpec.Builder spec = MonitorsSpec.newBuilder();
    Set<String> targetIds = new HashSet<>();
    if (root.has("targets")) {
      List<YamlTree> targets = root.list("targets");
      if (targets.size() > MAX_TARGETS) {
        throw root.child("targets").error("expected at most " + MAX_TARGETS + " targets per cluster, got "
            + targets.size());
      }
      for (YamlTree t : targets) {
        TargetSpec target = parseTarget(t);
        if (!targetIds.add(target.getId())) {
          throw t.child("id").error("duplicate target id '" + target.getId() + "'");
        }
        spec.addTargets(target);
      }
    }
    Set<String> serviceIds = new HashSet<>();
    if (root.has("services")) {
      for (YamlTree s : root.list("services")) {
        String id = id(s);
        if (!serviceIds.add(id)) {
          throw s.child("id").error("duplicate service id '" + id + "'");
        }
        spec.addServices(ServiceParser.parse(s, id, targetIds));
      }
    }
    spec.addAllReceivers(ReceiverParser.parse(root));
    Set<String> windowIds = new HashSet<>();
    if (root.has("maintenance")) {
      for (YamlTree w : root.list("maintenance")) {
        MaintenanceWindow window = MaintenanceParser.parse(w, id(w));
        if (!windowIds.add(window.getId())) {
          throw w.child("id").error("duplicate maintenance id '" + window.getId() + "'");
        }
        spec.addMaintenance(window);
      }
    }
    spec.setMaxDeliveryAgeMs(root.durationMs("max_delivery_age", DEFAULT_MAX_DELIVERY_AGE_MS));
    if (root.has("inhibit_rules")) {
      spec.addAllInhibitRules(InhibitRulesParser.parse(root));
    }
    if (root.has("status_pages")) {
      List<YamlTree> pages = root.list("status_pages");
      if (pages.size() > MonitorsCheck.MAX_STATUS_PAGES) {
        throw root.child("status_pages").error("expected at most " + MonitorsCheck.MAX_STATUS_PAGES + " pages, got "
            + pages.size());
      }
      Set<String> pageIds = new HashSet<>();
      for (YamlTree p : pages) {
        String id = id(p);
        if (!pageIds.add(id)) {
          throw p.child("id").error("duplicate status page id '" + id + "'");
        }
        spec.addStatusPages(StatusPageParser.parse(p, id, targetIds, serviceIds));
      }
    }
    if (root.has("retention")) {
      spec.setRetention(retention(root.object("retention")));
    }
    String dependencies = Dependencies.problem(spec.build());
    if (dependencies != null) {
      throw new ConfigException(file + ": " + dependencies); // ids across targets and services: checked once all are read
    }
    return ZoneRulesOfThisJvm.attach(spec.build());
  }

  private static TargetSpec parseTarget(YamlTree t) throws ConfigException {
    if (t.has("heartbeat")) {
      t.onlyKeys(HeartbeatParser.TARGET_KEYS);
      TargetSpec.Builder target = TargetSpec.newBuilder().setId(id(t));
      HeartbeatParser.parse(t, target);
      return target.addAllLabels(labels(t)).addAllDependsOn(t.strings("depends_on")).build();
    }
    Set<String> keys = new HashSet<>(Set.of("id", "interval", "timeout", "failure_threshold", "recovery_threshold",
        "labels", "warnings", "repair", "slow_threshold", "predict_horizon", "trend_samples", "max_interval",
        "rate_limited_is_down", "depends_on"));
    ProbeKinds.ALL.forEach(k -> keys.add(k.key()));
    t.onlyKeys(keys);
    TargetSpec.Builder target = TargetSpec.newBuilder().setId(id(t));
    List<ProbeKind> probes = ProbeKinds.ALL.stream().filter(k -> t.has(k.key())).toList();
    if (probes.size() != 1) {
      throw t.error("expected exactly one probe: " + ProbeKinds.keys() + " (or heartbeat, for a job that pings)");
    }
    probes.get(0).parse(t.object(probes.get(0).key()), target);
    long intervalMs = t.durationMs("interval", DEFAULT_INTERVAL_MS);
    if (intervalMs < MIN_INTERVAL_MS) {
      throw t.child("interval").error("expected at least " + Durations.format(MIN_INTERVAL_MS) + " (each region probes"
          + " every target: a shorter interval is load on the target, not faster detection), got "
          + Durations.format(intervalMs));
    }
    long timeoutMs = t.durationMs("timeout", Math.min(DEFAULT_TIMEOUT_MS_MAX, intervalMs * 8 / 10));
    if (timeoutMs > intervalMs) {
      throw t.child("timeout").error("expected at most the interval (" + Durations.format(intervalMs)
          + "), got " + Durations.format(timeoutMs));
    }
    target.setIntervalMs(intervalMs)
        .setTimeoutMs(timeoutMs)
        .setFailureThreshold(t.integer("failure_threshold", DEFAULT_THRESHOLD, 1, 100))
        .setRecoveryThreshold(t.integer("recovery_threshold", DEFAULT_THRESHOLD, 1, 100));
    YamlTree warnings = t.has("warnings") ? t.object("warnings").onlyKeys(Set.of("regional", "degraded", "rate_limited", "regional_for"))
        : null;
    target.setWarnings(WarningSpec.newBuilder()
        .setRegional(warnings == null || warnings.bool("regional", true))
        .setDegraded(warnings == null || warnings.bool("degraded", true))
        .setRateLimited(warnings == null || warnings.bool("rate_limited", true))
        .setRegionalForMs(warnings == null ? DEFAULT_REGIONAL_FOR_MS
            : warnings.durationMs("regional_for", DEFAULT_REGIONAL_FOR_MS)));
    target.addAllLabels(labels(t)).addAllDependsOn(t.strings("depends_on"));
    long maxIntervalMs = t.durationOrZeroMs("max_interval", 0);
    if (maxIntervalMs != 0 && maxIntervalMs < intervalMs) {
      throw t.child("max_interval").error("expected at least the interval (" + Durations.format(intervalMs) + "), got "
          + Durations.format(maxIntervalMs));
    }
    target.setMaxIntervalMs(maxIntervalMs).setRateLimitedIsDown(t.bool("rate_limited_is_down", false));
    if (t.has("slow_threshold")) {
      long slow = t.durationMs("slow_threshold", 0);
      if (slow > timeoutMs) {
        throw t.child("slow_threshold").error("expected at most the timeout (" + Durations.format(timeoutMs) + "), got "
            + Durations.format(slow));
      }
      target.setLatency(LatencySpec.newBuilder().setSlowThresholdMs(slow)
          .setPredictHorizonMs(t.durationOrZeroMs("predict_horizon", 0))
          .setTrendSamples(t.integer("trend_samples", 30, 10, 200)));
    } else if (t.has("predict_horizon") || t.has("trend_samples")) {
      throw t.error("predict_horizon and trend_samples need a slow_threshold");
    }
    if (t.has("repair")) {
      target.setRepair(RepairParser.parse(t.object("repair")));
    }
    return target.build();
  }

  /** How long what is over is kept; an absent field keeps its default (0). */
  private static Retention retention(YamlTree r) throws ConfigException {
    r.onlyKeys(Set.of("resolved_incidents", "failed_notifications", "ping_bodies"));
    long[] ms = new long[3];
    String[] keys = {"resolved_incidents", "failed_notifications", "ping_bodies"};
    for (int i = 0; i < keys.length; i++) {
      ms[i] = r.durationOrZeroMs(keys[i], 0);
      if (r.has(keys[i]) && (ms[i] < dev.quorumwatch.coordinator.Retention.MIN_MS
          || ms[i] > dev.quorumwatch.coordinator.Retention.MAX_MS)) {
        throw r.child(keys[i]).error("expected between " + Durations.format(dev.quorumwatch.coordinator.Retention.MIN_MS)
            + " and " + Durations.format(dev.quorumwatch.coordinator.Retention.MAX_MS) + ", got " + Durations.format(ms[i]));
      }
    }
    return Retention.newBuilder().setResolvedIncidentsMs(ms[0]).setFailedNotificationsMs(ms[1]).setPingBodiesMs(ms[2])
        .build();
  }

  /** A target's labels, sorted by name, checked against the coordinator's limits. */
  private static List<Label> labels(YamlTree t) throws ConfigException {
    List<Label> out = new ArrayList<>();
    Map<String, String> labels = new TreeMap<>(t.stringMap("labels"));
    if (labels.size() > MonitorsCheck.MAX_LABELS) {
      throw t.child("labels").error("expected at most " + MonitorsCheck.MAX_LABELS + " labels, got " + labels.size());
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!label.getKey().matches("[A-Za-z_][A-Za-z0-9_]{0," + (MonitorsCheck.MAX_LABEL_NAME_CHARS - 1) + "}")) {
        throw t.child("labels").error("expected label names of letters, digits and '_' (at most "
            + MonitorsCheck.MAX_LABEL_NAME_CHARS + "), got '" + label.getKey() + "'");
      }
      if (label.getValue().length() > MonitorsCheck.MAX_LABEL_VALUE_CHARS) {
        throw t.child("labels").child(label.getKey()).error("expected at most " + MonitorsCheck.MAX_LABEL_VALUE_CHARS
            + " characters, got " + label.getValue().length());
      }
      out.add(Label.newBuilder().setName(label.getKey()).setValue(label.getValue()).build());
    }
    return out;
  }

  static String id(YamlTree t) throws ConfigException {
    String id = t.string("id");
    if (!ID.matcher(id).matches()) {
      throw t.child("id").error("expected letters, digits, '.', '_' or '-' (at most 128), got '" + id + "'");
    }
    return id;
  }

  static String httpUrl(YamlTree t, String key) throws ConfigException {
    String url = t.string(key);
    if (KindFields.isHttpUrl(url)) {
      return url;
    }
    throw t.child(key).error("expected an http:// or https:// URL, got '" + url + "'");
  }
}
