package dev.quorumwatch.coordinator;

import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.TargetSpec;
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
    }
    return null;
  }
}
