package dev.quorumwatch.node.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.cli.Times;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.Notification;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a notification as an Alertmanager webhook payload ({@code version: "4"}), so
 * receivers written for Alertmanager work unchanged.
 */
public final class AlertPayload {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private AlertPayload() {}

  public static Map<String, String> labels(Notification n) {
    Map<String, String> labels = new TreeMap<>();
    for (Label l : n.getLabelsList()) {
      labels.put(l.getName(), l.getValue());
    }
    labels.put("alertname", n.getAlertname());
    labels.put("target", n.getTargetId());
    labels.put("severity", n.getSeverity());
    labels.put("cluster", n.getClusterId());
    return labels;
  }

  public static byte[] render(Notification n, String externalUrl) {
    Map<String, String> labels = labels(n);
    Map<String, String> annotations = new TreeMap<>();
    annotations.put("summary", n.getTargetId() + " is down for " + n.getRegionsCount() + " regions (quorum "
        + n.getQuorum() + ")");
    annotations.put("regions", String.join(",", n.getRegionsList()));
    annotations.put("quorum", Integer.toString(n.getQuorum()));
    annotations.put("incident_id", n.getIncidentId());

    ObjectNode alert = JSON.createObjectNode();
    alert.put("status", n.getStatus());
    alert.set("labels", JSON.valueToTree(labels));
    alert.set("annotations", JSON.valueToTree(annotations));
    alert.put("startsAt", Times.rfc3339(n.getStartsMs()));
    alert.put("endsAt", n.getEndsMs() == 0 ? ZERO_TIME : Times.rfc3339(n.getEndsMs()));
    alert.put("generatorURL", externalUrl);
    alert.put("fingerprint", fingerprint(labels));

    Map<String, String> groupLabels = new TreeMap<>();
    groupLabels.put("alertname", n.getAlertname());
    groupLabels.put("target", n.getTargetId());

    ObjectNode body = JSON.createObjectNode();
    body.put("version", "4");
    body.put("groupKey", "{}:{alertname=\"" + n.getAlertname() + "\", target=\"" + n.getTargetId() + "\"}");
    body.put("truncatedAlerts", 0);
    body.put("status", n.getStatus());
    body.put("receiver", n.getReceiverId());
    body.set("groupLabels", JSON.valueToTree(groupLabels));
    body.set("commonLabels", JSON.valueToTree(labels));
    body.set("commonAnnotations", JSON.valueToTree(annotations));
    body.put("externalURL", externalUrl);
    ArrayNode alerts = body.putArray("alerts");
    alerts.add(alert);
    return body.toString().getBytes(StandardCharsets.UTF_8);
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
