package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.proto.MaintenanceWindow;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.TargetSpec;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;

/**
 * The invariants the coordinator relies on, checked again at apply time so a malformed
 * command (from any client) is rejected the same way on every replica. Friendly, per-field
 * messages come earlier, from the node's monitors-file parser.
 */
public final class MonitorsCheck {
  private MonitorsCheck() {}

  /** Returns null when the spec is usable, else the first problem. */
  public static String problem(MonitorsSpec spec) {
    Set<String> ids = new HashSet<>();
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
        return at + ": no probe (http or tcp)";
      }
      if (t.getIntervalMs() <= 0 || t.getTimeoutMs() <= 0) {
        return at + ": interval and timeout must be positive";
      }
      if (t.getFailureThreshold() < 1 || t.getRecoveryThreshold() < 1) {
        return at + ": thresholds must be at least 1";
      }
      if (t.getWarnings().getRegionalForMs() < 0) {
        return at + ".warnings.regional_for: must not be negative";
      }
    }
    Set<String> receivers = new HashSet<>();
    for (int i = 0; i < spec.getReceiversCount(); i++) {
      ReceiverSpec r = spec.getReceivers(i);
      if (r.getId().isEmpty() || !receivers.add(r.getId())) {
        return "receivers[" + i + "].id: missing or duplicate";
      }
      if (r.getWebhook().getUrl().isEmpty()) {
        return "receivers[" + i + "].webhook.url: missing";
      }
      String matchers = Matchers.problem(r.getRoute().getMatchersList());
      if (matchers != null) {
        return "receivers[" + i + "].route.match: " + matchers;
      }
      if (r.getRoute().getGroupWaitMs() < 0 || r.getRoute().getGroupIntervalMs() < 0
          || r.getRoute().getRepeatIntervalMs() < 0) {
        return "receivers[" + i + "].route: durations must not be negative";
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
      try {
        ZoneId.of(w.getTimeZone());
      } catch (DateTimeException e) {
        return at + ".weekly.time_zone: unknown zone '" + w.getTimeZone() + "'";
      }
    }
    return null;
  }
}
