package dev.quorumwatch.node.receiver;

import dev.quorumwatch.node.cli.Times;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.MessageTemplates;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.RegionEvidence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A notification as a person reads it, whatever the service: a title that says what happened
 * and where (firing and resolved set apart by an emoji, since colour is not everywhere), one
 * paragraph per alert (regions that saw it, failure classes, since when, incident id), the
 * status page link and the notification's key. A receiver's templates replace title and text.
 */
public final class AlertMessage {
  private static final Logger log = LoggerFactory.getLogger(AlertMessage.class);
  static final int NAMES_IN_TITLE = 5;
  public static final String FIRING_MARK = "\uD83D\uDD34";   // red circle
  public static final String RESOLVED_MARK = "\u2705";       // check mark

  private final Notification notification;
  private final String link;
  private final Map<String, Object> context;
  private final String title;
  private final String text;
  private final String html;

  private AlertMessage(Notification n, String link, MessageTemplates templates, String receiverId) {
    this.notification = n;
    this.link = link;
    String defaultTitle = defaultTitle(n);
    String defaultText = defaultText(n, link);
    // Most receivers have no templates: their messages need no template context.
    boolean templated = !templates.getTitle().isEmpty() || !templates.getText().isEmpty()
        || !templates.getHtml().isEmpty();
    this.context = templated ? buildContext(n, link) : Map.of();
    if (templated) {
      context.put("default_title", defaultTitle);
      context.put("default_text", defaultText);
    }
    this.title = rendered(templates.getTitle(), defaultTitle, false, receiverId, "title");
    this.text = rendered(templates.getText(), defaultText, false, receiverId, "text");
    this.html = rendered(templates.getHtml(), "", true, receiverId, "html");
  }

  /** {@code link}: the status page of the sending node. */
  public static AlertMessage of(Notification n, String link, MessageTemplates templates) {
    return new AlertMessage(n, link, templates, n.getReceiverId());
  }

  public Notification notification() {
    return notification;
  }

  public boolean firing() {
    return "firing".equals(notification.getStatus());
  }

  public String title() {
    return title;
  }

  public String text() {
    return text;
  }

  /** The receiver's own HTML template rendered, or empty (email builds one from the text). */
  public String html() {
    return html;
  }

  public String link() {
    return link;
  }

  /** The notification's stable key: the same on a resend after a leader change. */
  public String key() {
    return notification.getId();
  }

  /** The most severe severity among the alerts (critical before warning before anything else). */
  public String severity() {
    String worst = "info";
    for (AlertItem a : notification.getAlertsList()) {
      if ("critical".equals(a.getSeverity())) {
        return "critical";
      }
      if ("warning".equals(a.getSeverity())) {
        worst = "warning";
      }
    }
    return worst;
  }

  private String rendered(String template, String fallback, boolean html, String receiverId, String field) {
    if (template.isEmpty()) {
      return fallback;
    }
    try {
      return TemplateRenderer.render(template, context, html);
    } catch (RuntimeException e) { // MustacheException, or anything a template could provoke
      log.warn("template not used receiver={} field={} notification={} reason=\"{}\"", receiverId, field, key(),
          e.getMessage());
      return fallback;
    }
  }

  private static String name(AlertItem a) {
    return !a.getTargetId().isEmpty() ? a.getTargetId() : !a.getNodeId().isEmpty() ? a.getNodeId() : a.getAlertname();
  }

  static String defaultTitle(Notification n) {
    boolean firing = "firing".equals(n.getStatus());
    List<AlertItem> shown = new ArrayList<>();
    for (AlertItem a : n.getAlertsList()) {
      if (!firing || "firing".equals(a.getStatus())) {
        shown.add(a);
      }
    }
    String prefix = (firing ? FIRING_MARK + " FIRING: " : RESOLVED_MARK + " RESOLVED: ") + (n.getReminder() ? "(reminder) " : "");
    if (shown.size() == 1) {
      AlertItem a = shown.get(0);
      return prefix + (firing && !a.getSummary().isEmpty() ? a.getSummary() : name(a) + " (" + a.getAlertname() + ")");
    }
    StringJoiner names = new StringJoiner(", ");
    boolean allDown = !shown.isEmpty();
    for (int i = 0; i < shown.size(); i++) {
      allDown &= "TargetDown".equals(shown.get(i).getAlertname());
      if (i < NAMES_IN_TITLE) {
        names.add(name(shown.get(i)));
      }
    }
    String more = shown.size() > NAMES_IN_TITLE ? " and " + (shown.size() - NAMES_IN_TITLE) + " more" : "";
    String what = allDown ? " targets " + (firing ? "down" : "back up") : " alerts";
    return prefix + shown.size() + what + ": " + names + more;
  }

  static String defaultText(Notification n, String link) {
    StringBuilder out = new StringBuilder();
    if (!n.getFallbackForReceiver().isEmpty()) {
      out.append("Sent here because receiver ").append(n.getFallbackForReceiver()).append(" could not be reached.\n\n");
    }
    for (AlertItem a : n.getAlertsList()) {
      out.append("• ").append(name(a)).append(" — ").append(a.getAlertname()).append(" (").append(a.getSeverity())
          .append("), ").append(a.getStatus()).append('\n');
      if (!a.getSummary().isEmpty()) {
        out.append("  ").append(a.getSummary()).append('\n');
      }
      if (a.getRegionsCount() > 0) {
        out.append("  regions: ").append(String.join(", ", a.getRegionsList())).append(" (quorum ").append(n.getQuorum())
            .append(")\n");
      }
      if (a.getEvidenceCount() > 0) {
        out.append("  failures: ").append(failureClasses(a)).append('\n');
      }
      out.append("  since: ").append(Times.rfc3339(a.getStartsMs()));
      if (a.getEndsMs() != 0) {
        out.append(" · until: ").append(Times.rfc3339(a.getEndsMs()));
      }
      if (!a.getIncidentId().isEmpty()) {
        out.append(" · incident: ").append(a.getIncidentId());
      }
      out.append('\n');
    }
    if (n.getTruncatedAlerts() > 0) {
      out.append("(").append(n.getTruncatedAlerts()).append(" more alerts left out)\n");
    }
    if (!link.isEmpty()) {
      out.append("Status page: ").append(link).append('\n');
    }
    out.append("Key: ").append(n.getId());
    return out.toString();
  }

  private static String failureClasses(AlertItem a) {
    StringJoiner classes = new StringJoiner(", ");
    for (RegionEvidence e : a.getEvidenceList()) {
      classes.add(e.getRegion() + "=" + e.getFailureClass());
    }
    return classes.toString();
  }

  private static Map<String, Object> buildContext(Notification n, String link) {
    Map<String, Object> c = new LinkedHashMap<>();
    boolean firing = "firing".equals(n.getStatus());
    c.put("status", n.getStatus());
    c.put("firing", firing);
    c.put("resolved", !firing);
    c.put("reminder", n.getReminder());
    c.put("receiver", n.getReceiverId());
    c.put("cluster", n.getClusterId());
    c.put("key", n.getId());
    c.put("link", link);
    c.put("quorum", Integer.toString(n.getQuorum()));
    c.put("count", Integer.toString(n.getAlertsCount()));
    c.put("fallback_for", n.getFallbackForReceiver());
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (AlertItem a : n.getAlertsList()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("name", name(a));
      one.put("target", a.getTargetId());
      one.put("alertname", a.getAlertname());
      one.put("severity", a.getSeverity());
      one.put("status", a.getStatus());
      one.put("firing", "firing".equals(a.getStatus()));
      one.put("summary", a.getSummary());
      one.put("regions", String.join(", ", a.getRegionsList()));
      one.put("failure_classes", failureClasses(a));
      one.put("since", Times.rfc3339(a.getStartsMs()));
      one.put("until", a.getEndsMs() == 0 ? "" : Times.rfc3339(a.getEndsMs()));
      one.put("incident_id", a.getIncidentId());
      Map<String, Object> labels = new LinkedHashMap<>();
      for (Label l : a.getLabelsList()) {
        labels.put(l.getName(), l.getValue());
      }
      one.put("labels", labels);
      alerts.add(one);
    }
    c.put("alerts", alerts);
    return c;
  }
}
