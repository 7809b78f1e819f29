package dev.quorumwatch.coordinator.alert;

import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Label;
import java.util.Map;
import java.util.TreeMap;

/** The label set routes, silences and groups see for an incident. */
public final class AlertLabels {
  private AlertLabels() {}

  public static Map<String, String> of(Incident incident, String clusterId) {
    Map<String, String> labels = new TreeMap<>();
    for (Label l : incident.getLabelsList()) {
      labels.put(l.getName(), l.getValue());
    }
    labels.put("alertname", incident.getAlertname());
    labels.put("severity", incident.getSeverity());
    labels.put("cluster", clusterId);
    if (!incident.getTargetId().isEmpty()) {
      labels.put("target", incident.getTargetId());
    }
    if (!incident.getNodeId().isEmpty()) {
      labels.put("node", incident.getNodeId());
    }
    return labels;
  }
}
