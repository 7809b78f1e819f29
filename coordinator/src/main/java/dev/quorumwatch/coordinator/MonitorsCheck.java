package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.Inhibitions;
import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.coordinator.dependency.Dependencies;
import dev.quorumwatch.coordinator.notify.ReceiverKinds;
import dev.quorumwatch.coordinator.time.ReplicatedZones;
import dev.quorumwatch.coordinator.time.ZoneRulesCodec;
import dev.quorumwatch.proto.HeartbeatCheck;
import dev.quorumwatch.proto.MaintenanceWindow;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.RepairSpec;
import dev.quorumwatch.proto.RepairStep;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.StatusGroupSpec;
import dev.quorumwatch.proto.StatusItemSpec;
import dev.quorumwatch.proto.StatusPageSpec;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.ZoneRulesSpec;
import java.time.DateTimeException;
import java.util.HashSet;
import java.util.Set;

/**
 * The invariants the coordinator relies on, checked again at apply time so a malformed
 * command (from any client) is rejected the same way on every replica. Friendly, per-field
 * messages come earlier, from the node's monitors-file parser.
 */
public final class MonitorsCheck {
  public static final int MAX_LABELS = 32;
  public static final int MAX_LABEL_NAME_CHARS = 128;
  public static final int MAX_LABEL_VALUE_CHARS = 1024;
  public static final int MAX_ZONES = 64;
  public static final long HEARTBEAT_PERIOD_MAX_MS = 365L * 86_400_000;
  public static final int MAX_STATUS_PAGES = 20;
  public static final int MAX_STATUS_ITEMS = 500;
  public static final int MAX_STATUS_NAME_CHARS = 200;

  private MonitorsCheck() {}

  /** Status pages list only existing targets and services, within the limits. */
  private static String statusPagesProblem(MonitorsSpec spec) {
    if (spec.getStatusPagesCount() > MAX_STATUS_PAGES) {
      return "status_pages: more than " + MAX_STATUS_PAGES;
    }
    Set<String> targets = new HashSet<>();
    spec.getTargetsList().forEach(t -> targets.add(t.getId()));
    Set<String> services = new HashSet<>();
    spec.getServicesList().forEach(svc -> services.add(svc.getId()));
    Set<String> pageIds = new HashSet<>();
    for (int p = 0; p < spec.getStatusPagesCount(); p++) {
      StatusPageSpec page = spec.getStatusPages(p);
      String at = "status_pages[" + p + "]";
      if (page.getId().isEmpty() || !pageIds.add(page.getId())) {
        return at + ".id: missing or a duplicate";
      }
      if (page.getTitle().length() > MAX_STATUS_NAME_CHARS) {
        return at + ".title: more than " + MAX_STATUS_NAME_CHARS + " characters";
      }
      int items = 0;
      for (StatusGroupSpec group : page.getGroupsList()) {
        for (StatusItemSpec item : group.getItemsList()) {
          items++;
          boolean known = item.hasTargetId() ? targets.contains(item.getTargetId())
              : item.hasServiceId() && services.contains(item.getServiceId());
          if (!known) {
            return at + ": no target or service " + (item.hasTargetId() ? item.getTargetId() : item.getServiceId());
          }
          if (item.getName().isEmpty() || item.getName().length() > MAX_STATUS_NAME_CHARS
              || group.getName().length() > MAX_STATUS_NAME_CHARS) {
            return at + ": names must have 1 to " + MAX_STATUS_NAME_CHARS + " characters";
          }
        }
      }
      if (items > MAX_STATUS_ITEMS) {
        return at + ": more than " + MAX_STATUS_ITEMS + " items";
      }
    }
    return null;
  }

  /** Returns null when the spec is usable, else the first problem. */
  public static String problem(MonitorsSpec spec) {
    String retention = Retention.problem(spec);
    if (retention != null) {
      return retention;
    }
    String pages = statusPagesProblem(spec);
    if (pages != null) {
      return pages;
    }
    String inhibit = Inhibitions.problem(spec);
    if (inhibit != null) {
      return inhibit;
    }
    if (spec.getZoneRulesCount() > MAX_ZONES) {
      return "zone_rules: more than " + MAX_ZONES + " time zones";
    }
    Set<String> zonesCarried = new HashSet<>();
    for (ZoneRulesSpec z : spec.getZoneRulesList()) {
      if (!zonesCarried.add(z.getZone())) {
        return "zone_rules: " + z.getZone() + " twice";
      }
      String problem = ZoneRulesCodec.problem(z);
      if (problem != null) {
        return problem;
      }
    }
    ReplicatedZones zones = ReplicatedZones.of(spec);
    Set<String> ids = new HashSet<>();
    Set<String> pingTokens = new HashSet<>();
    for (int i = 0; i < spec.getTargetsCount(); i++) {
      TargetSpec t = spec.getTargets(i);
      String at = "targets[" + i + "]";
      if (t.getId().isEmpty()) {
        return at + ".id: missing";
      }
      if (!ids.add(t.getId())) {
        return at + ".id: duplicate target id " + t.getId();
      }
      if (t.getProbeCase() == TargetSpec.ProbeCase.PROBE_NOT_SET) {
        return at + ": no probe (http, tcp, grpc, dns or heartbeat)";
      }
      if (t.hasHeartbeat()) {
        String heartbeat = heartbeatProblem(t.getHeartbeat());
        if (heartbeat != null) {
          return at + ".heartbeat" + heartbeat;
        }
        if (!pingTokens.add(t.getHeartbeat().getTokenSha256())) {
          return at + ".heartbeat.token_sha256: the same token as another target";
        }
      } else if (t.getIntervalMs() <= 0 || t.getTimeoutMs() <= 0) {
        return at + ": interval and timeout must be positive";
      }
      if (!t.hasHeartbeat() && (t.getFailureThreshold() < 1 || t.getRecoveryThreshold() < 1)) {
        return at + ": thresholds must be at least 1";
      }
      if (t.getLabelsCount() > MAX_LABELS || t.getLabelsList().stream().anyMatch(l -> l.getName().isEmpty()
          || l.getName().length() > MAX_LABEL_NAME_CHARS || l.getValue().length() > MAX_LABEL_VALUE_CHARS)) {
        return at + ".labels: at most " + MAX_LABELS + ", names of 1 to " + MAX_LABEL_NAME_CHARS + " characters, values"
            + " of at most " + MAX_LABEL_VALUE_CHARS;
      }
      if (t.getWarnings().getRegionalForMs() < 0) {
        return at + ".warnings.regional_for: must not be negative";
      }
      String repair = repairProblem(t.getRepair());
      if (repair != null) {
        return at + ".repair" + repair;
      }
    }
    String dependencies = Dependencies.problem(spec);
    if (dependencies != null) {
      return dependencies;
    }
    Set<String> receivers = new HashSet<>();
    for (int i = 0; i < spec.getReceiversCount(); i++) {
      ReceiverSpec r = spec.getReceivers(i);
      if (r.getId().isEmpty() || !receivers.add(r.getId())) {
        return "receivers[" + i + "].id: missing or duplicate";
      }
      String kind = ReceiverKinds.problem(r);
      if (kind != null) {
        return "receivers[" + i + "]" + kind;
      }
      String matchers = Matchers.problem(r.getRoute().getMatchersList());
      if (matchers != null) {
        return "receivers[" + i + "].route.match: " + matchers;
      }
      if (r.getRoute().getGroupWaitMs() < 0 || r.getRoute().getGroupIntervalMs() < 0
          || r.getRoute().getRepeatIntervalMs() < 0) {
        return "receivers[" + i + "].route: durations must not be negative";
      }
      if (r.getRoute().hasDailyDigest()) {
        int at = r.getRoute().getDailyDigest().getAtMinute();
        if (at < 0 || at >= 24 * 60) {
          return "receivers[" + i + "].route.daily_digest.at: must be within the day";
        }
        if (!knownZone(zones, r.getRoute().getDailyDigest().getTimeZone())) {
          return "receivers[" + i + "].route.daily_digest.time_zone: unknown zone '"
              + r.getRoute().getDailyDigest().getTimeZone() + "'";
        }
      }
    }
    for (int i = 0; i < spec.getReceiversCount(); i++) {
      String fallback = spec.getReceivers(i).getFallback();
      if (!fallback.isEmpty() && (fallback.equals(spec.getReceivers(i).getId()) || !receivers.contains(fallback))) {
        return "receivers[" + i + "].fallback: " + fallback + " is not another receiver";
      }
    }
    Set<String> services = new HashSet<>();
    for (int i = 0; i < spec.getServicesCount(); i++) {
      ServiceSpec svc = spec.getServices(i);
      String at = "services[" + i + "]";
      if (svc.getId().isEmpty() || !services.add(svc.getId())) {
        return at + ".id: missing or duplicate";
      }
      if (svc.getEndpointsCount() == 0) {
        return at + ".endpoints: at least one endpoint is needed";
      }
      if (new HashSet<>(svc.getEndpointsList()).size() != svc.getEndpointsCount()) {
        return at + ".endpoints: an endpoint is listed twice";
      }
      for (String endpoint : svc.getEndpointsList()) {
        if (!ids.contains(endpoint)) {
          return at + ".endpoints: " + endpoint + " is not a target";
        }
      }
      if (svc.getFailbackAfterMs() < 0) {
        return at + ".failback_after: must not be negative";
      }
    }
    for (int i = 0; i < spec.getMaintenanceCount(); i++) {
      MaintenanceWindow w = spec.getMaintenance(i);
      String at = "maintenance[" + i + "]";
      String matchers = Matchers.problem(w.getMatchersList());
      if (matchers != null || w.getMatchersCount() == 0) {
        return at + ".match: " + (matchers != null ? matchers : "at least one matcher is needed");
      }
      if (w.getDaysCount() == 0 || w.getDaysList().stream().anyMatch(d -> d < 1 || d > 7)) {
        return at + ".weekly.days: expected days 1 (Monday) to 7 (Sunday)";
      }
      if (w.getStartMinute() < 0 || w.getStartMinute() >= 24 * 60 || w.getDurationMs() <= 0) {
        return at + ".weekly: start must be within the day and the duration positive";
      }
      if (!knownZone(zones, w.getTimeZone())) {
        return at + ".weekly.time_zone: unknown zone '" + w.getTimeZone() + "'";
      }
    }
    return null;
  }

  private static String heartbeatProblem(HeartbeatCheck h) {
    if (h.getPeriodMs() <= 0 || h.getGraceMs() < 0 || h.getMaxRuntimeMs() < 0) {
      return ": period must be positive, grace and max_runtime not negative";
    }
    if (h.getPeriodMs() > HEARTBEAT_PERIOD_MAX_MS || h.getGraceMs() > HEARTBEAT_PERIOD_MAX_MS
        || h.getMaxRuntimeMs() > HEARTBEAT_PERIOD_MAX_MS) {
      return ": period, grace and max_runtime are at most 365 days";
    }
    if (!h.getTokenSha256().matches("[0-9a-f]{64}")) {
      return ".token_sha256: 64 lower-case hex digits";
    }
    return null;
  }

  private static String repairProblem(RepairSpec repair) {
    if (repair.getStepsCount() > 0 && repair.getMaxLaddersPerHour() < 1) {
      return ".max_ladders_per_hour: must be at least 1";
    }
    for (int i = 0; i < repair.getStepsCount(); i++) {
      RepairStep step = repair.getSteps(i);
      String at = ".steps[" + i + "]";
      if (step.getName().isEmpty()) {
        return at + ".name: missing";
      }
      if (step.getAttempts() < 1 || step.getWaitMs() < 0 || step.getTimeoutMs() <= 0) {
        return at + ": attempts must be at least 1, wait not negative, timeout positive";
      }
      if (step.getActionCase() == RepairStep.ActionCase.ACTION_NOT_SET
          || (step.hasHttp() && step.getHttp().getUrl().isEmpty())
          || (step.hasCommand() && step.getCommand().getArgvCount() == 0)) {
        return at + ": an http action with a url, or a command with argv, is needed";
      }
    }
    return null;
  }

  private static boolean knownZone(ReplicatedZones zones, String zone) {
    try {
      zones.rules(zone);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }
}
