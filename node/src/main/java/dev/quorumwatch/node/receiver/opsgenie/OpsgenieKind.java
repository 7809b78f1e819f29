package dev.quorumwatch.node.receiver.opsgenie;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.node.receiver.pagerduty.PagerDutyKind;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.OpsgenieSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Opsgenie Alert API v2: create an alert with the group's key as {@code alias} while it
 * fires, close it by that alias when resolved. Opsgenie deduplicates open alerts on the
 * alias, so a resend after a leader change adds nothing. It answers 202 to both.
 */
public final class OpsgenieKind extends NamedKind {
  public static final String DEFAULT_API_URL = "https://api.opsgenie.com/";
  static final int MESSAGE_MAX = 130;
  static final int ALIAS_MAX = 512;
  static final int DESCRIPTION_MAX = 15_000;

  public OpsgenieKind() {
    super("opsgenie", ReceiverSpec.KindCase.OPSGENIE);
  }

  @Override
  public void parse(YamlTree og, ReceiverSpec.Builder receiver) throws ConfigException {
    og.onlyKeys(Set.of("api_key", "api_url", "title", "text"));
    receiver.setOpsgenie(OpsgenieSpec.newBuilder().setApiKey(KindFields.secret(og, "api_key", true))
        .setApiUrl(KindFields.url(og, "api_url", DEFAULT_API_URL)));
    receiver.setTemplates(KindFields.templates(og, "title", "text", null));
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    OpsgenieSpec og = spec.getOpsgenie();
    return (n, m) -> {
      String authorization;
      try {
        authorization = "GenieKey " + context.http().secrets().expand(og.getApiKey());
      } catch (IllegalArgumentException unset) { // names the variable or file, never a value
        return CompletableFuture.failedFuture(unset);
      }
      String alias = KindFields.cut(PagerDutyKind.dedupKey(n), ALIAS_MAX);
      ObjectNode body = KindFields.JSON.createObjectNode();
      String url;
      body.put("source", "QuorumWatch " + n.getClusterId());
      if (m.firing()) {
        url = KindFields.join(og.getApiUrl(), "/v2/alerts");
        body.put("message", KindFields.cut(m.title(), MESSAGE_MAX));
        body.put("alias", alias);
        body.put("description", KindFields.cut(m.text(), DESCRIPTION_MAX));
        body.put("priority", switch (m.severity()) {
          case "critical" -> "P1";
          case "warning" -> "P3";
          default -> "P5";
        });
        ArrayNode tags = body.putArray("tags");
        TreeSet<String> names = new TreeSet<>();
        n.getAlertsList().stream().map(AlertItem::getAlertname).forEach(names::add);
        tags.add("quorumwatch");
        names.forEach(tags::add);
        ObjectNode details = body.putObject("details");
        details.put("key", m.key());
        details.put("cluster", n.getClusterId());
        if (!m.link().isEmpty()) {
          details.put("status_page", m.link());
        }
      } else {
        url = KindFields.join(og.getApiUrl(), "/v2/alerts/" + URLEncoder.encode(alias, StandardCharsets.UTF_8)
            .replace("+", "%20") + "/close?identifierType=alias");
        body.put("note", KindFields.cut(m.text(), DESCRIPTION_MAX));
      }
      return context.http().post(url, "application/json", KindFields.bytes(body),
          Map.of("Authorization", authorization, SendContext.SENDER_HEADER, context.nodeId()))
          .thenApply(Delivery::of);
    };
  }
}
