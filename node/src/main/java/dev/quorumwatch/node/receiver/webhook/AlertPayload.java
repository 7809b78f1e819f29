package dev.quorumwatch.node.receiver.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.cli.Times;
import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.RegionEvidence;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Renders a notification (one group's alerts for one receiver) as an Alertmanager webhook
 * payload ({@code version: "4"}), so receivers written for Alertmanager work unchanged.
 */
public final class AlertPayload {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private AlertPayload() {}

  /** The evidence behind an alert, as annotations: who saw what, since when. */
  public static Map<String, String> annotations(AlertItem a, int quorum) {
    Map<String, String> annotations = new TreeMap<>();
    annotations.put("summary", a.getSummary());
    for (Label extra : a.getAnnotationsList()) {
      annotations.put(extra.getName(), extra.getValue());
    }
    if (a.getIncidentId().isEmpty()) {
      return annotations; // a report (the daily digest), not an incident
    }
    annotations.put("regions", String.join(",", a.getRegionsList()));
    annotations.put("quorum", Integer.toString(quorum));
    annotations.put("incident_id", a.getIncidentId());
    if (a.getEvidenceCount() > 0) {
      StringJoiner classes = new StringJoiner(",");
      long first = Long.MAX_VALUE;
      for (RegionEvidence e : a.getEvidenceList()) {
        classes.add(e.getRegion() + "=" + e.getFailureClass());
        first = Math.min(first, e.getSinceMs());
      }
      annotations.put("failure_classes", classes.toString());
      annotations.put("first_failure", Times.rfc3339(first));
    }
    return annotations;
  }

  public static byte[] render(Notification n, String externalUrl) {
    List<Map<String, String>> labelSets = new ArrayList<>();
    List<Map<String, String>> annotationSets = new ArrayList<>();
    ArrayNode alerts = JSON.createArrayNode();
    for (AlertItem a : n.getAlertsList()) {
      Map<String, String> labels = AlertLabels.of(a, n.getClusterId());
      Map<String, String> annotations = annotations(a, n.getQuorum());
      labelSets.add(labels);
      annotationSets.add(annotations);
      ObjectNode alert = alerts.addObject();
      alert.put("status", a.getStatus());
      alert.set("labels", JSON.valueToTree(labels));
      alert.set("annotations", JSON.valueToTree(annotations));
      alert.put("startsAt", Times.rfc3339(a.getStartsMs()));
      alert.put("endsAt", a.getEndsMs() == 0 ? ZERO_TIME : Times.rfc3339(a.getEndsMs()));
      alert.put("generatorURL", externalUrl);
      alert.put("fingerprint", fingerprint(labels));
    }
    Map<String, String> groupLabels = new TreeMap<>();
    StringJoiner key = new StringJoiner(", ", "{}:{", "}");
    for (Label l : n.getGroupLabelsList()) {
      groupLabels.put(l.getName(), l.getValue());
      key.add(l.getName() + "=\"" + l.getValue() + "\"");
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("version", "4");
    body.put("groupKey", key.toString());
    body.put("truncatedAlerts", n.getTruncatedAlerts());
    body.put("status", n.getStatus());
    body.put("receiver", n.getReceiverId());
    body.set("groupLabels", JSON.valueToTree(groupLabels));
    body.set("commonLabels", JSON.valueToTree(common(labelSets)));
    body.set("commonAnnotations", JSON.valueToTree(common(annotationSets)));
    body.put("externalURL", externalUrl);
    body.set("alerts", alerts);
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The pairs every map shares, as Alertmanager's commonLabels. */
  private static Map<String, String> common(List<Map<String, String>> maps) {
    Map<String, String> out = new TreeMap<>();
    if (maps.isEmpty()) {
      return out;
    }
    out.putAll(maps.get(0));
    for (Map<String, String> m : maps) {
      out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
    }
    return out;
  }

  /** Alertmanager's idea of a fingerprint: a stable hash of the label set. */
  static String fingerprint(Map<String, String> labels) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      labels.forEach((k, v) -> {
        sha.update(k.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0xff);
        sha.update(v.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0xff);
      });
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
