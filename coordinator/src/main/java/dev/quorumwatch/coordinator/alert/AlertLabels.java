package dev.quorumwatch.coordinator.alert;

import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.TargetSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one label set of an alert: what routes, silences and groups match, and what receivers
 * get (the Alertmanager payload's {@code labels}). The configured labels, then the fixed ones,
 * which a configured label cannot override: {@code alertname}, {@code severity},
 * {@code cluster}, and {@code target} or {@code node} for what the alert is about.
 */
public final class AlertLabels {
  private AlertLabels() {}

  public static Map<String, String> of(Incident incident, String clusterId) {
    return build(incident.getLabelsList(), incident.getAlertname(), incident.getSeverity(), clusterId,
        incident.getTargetId(), incident.getNodeId());
  }

  /** An alert as a notification carries it: the same labels as its incident's. */
  public static Map<String, String> of(AlertItem alert, String clusterId) {
    return build(alert.getLabelsList(), alert.getAlertname(), alert.getSeverity(), clusterId, alert.getTargetId(),
        alert.getNodeId());
  }

  /** The labels an alert of this kind about this target would have (to ask a silence, or for a digest line). */
  public static Map<String, String> ofTarget(TargetSpec target, String alertname, String severity, String clusterId) {
    return build(target.getLabelsList(), alertname, severity, clusterId, target.getId(), "");
  }

  private static Map<String, String> build(List<Label> configured, String alertname, String severity,
      String clusterId, String targetId, String nodeId) {
    Map<String, String> labels = new TreeMap<>();
    for (Label l : configured) {
      labels.put(l.getName(), l.getValue());
    }
    if (!alertname.isEmpty()) {
      labels.put("alertname", alertname);
    }
    if (!severity.isEmpty()) {
      labels.put("severity", severity);
    }
    labels.put("cluster", clusterId);
    if (!targetId.isEmpty()) {
      labels.put("target", targetId);
    }
    if (!nodeId.isEmpty()) {
      labels.put("node", nodeId);
    }
    return labels;
  }
}
