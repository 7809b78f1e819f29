package dev.quorumwatch.node.receiver.pagerduty;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.receiver.AlertMessage;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.node.cli.Times;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.PagerDutySpec;
import dev.quorumwatch.proto.ReceiverSpec;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * PagerDuty Events API v2: {@code trigger} while the group fires, {@code resolve} when it is
 * resolved, both with the group's key as {@code dedup_key}. PagerDuty deduplicates on that key,
 * so a resend after a leader change changes nothing there. It answers 202; 400 for an invalid
 * event, 429 when rate limited.
 */
public final class PagerDutyKind extends NamedKind {
  public static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";
  static final int SUMMARY_MAX = 1024;
  static final int DEDUP_KEY_MAX = 255;

  public PagerDutyKind() {
    super("pagerduty", ReceiverSpec.KindCase.PAGERDUTY);
  }

  @Override
  public void parse(YamlTree pd, ReceiverSpec.Builder receiver) throws ConfigException {
    pd.onlyKeys(Set.of("routing_key", "url", "title", "text"));
    receiver.setPagerduty(PagerDutySpec.newBuilder().setRoutingKey(KindFields.secret(pd, "routing_key", true))
        .setUrl(KindFields.url(pd, "url", DEFAULT_URL)));
    receiver.setTemplates(KindFields.templates(pd, "title", "text", null));
  }

  /** The group's key: the same for the trigger and the resolve of one alert group. */
  public static String dedupKey(Notification n) {
    return KindFields.cut(n.getClusterId() + "/" + n.getGroupId(), DEDUP_KEY_MAX);
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    PagerDutySpec pd = spec.getPagerduty();
    return (n, m) -> {
      String routingKey;
      try {
        routingKey = context.http().secrets().expand(pd.getRoutingKey());
      } catch (IllegalArgumentException unset) {
        return CompletableFuture.failedFuture(unset);
      }
      return context.http().post(pd.getUrl(), "application/json", KindFields.bytes(event(n, m, routingKey)),
          Map.of(SendContext.SENDER_HEADER, context.nodeId())).thenApply(Delivery::of);
    };
  }

  static ObjectNode event(Notification n, AlertMessage m, String routingKey) {
    ObjectNode event = KindFields.JSON.createObjectNode();
    event.put("routing_key", routingKey);
    event.put("event_action", m.firing() ? "trigger" : "resolve");
    event.put("dedup_key", dedupKey(n));
    if (m.firing()) {
      ObjectNode payload = event.putObject("payload");
      payload.put("summary", KindFields.cut(m.title(), SUMMARY_MAX));
      payload.put("source", n.getClusterId().isEmpty() ? "quorumwatch" : "quorumwatch/" + n.getClusterId());
      payload.put("severity", m.severity());
      if (n.getAlertsCount() > 0) {
        AlertItem first = n.getAlerts(0);
        payload.put("timestamp", Times.rfc3339(first.getStartsMs()));
        payload.put("class", first.getAlertname());
        if (!first.getTargetId().isEmpty()) {
          payload.put("component", first.getTargetId());
        }
      }
      ObjectNode details = payload.putObject("custom_details");
      details.put("text", m.text());
      details.put("key", m.key());
    }
    if (!m.link().isEmpty()) {
      event.putArray("links").addObject().put("href", m.link()).put("text", "QuorumWatch status page");
    }
    event.put("client", "QuorumWatch");
    return event;
  }
}
