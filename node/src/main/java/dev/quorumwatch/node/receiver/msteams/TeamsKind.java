package dev.quorumwatch.node.receiver.msteams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.TeamsSpec;
import java.util.Map;
import java.util.Set;

/**
 * Microsoft Teams through a Workflows (Power Automate) webhook: a message with one Adaptive
 * Card (the Office 365 connectors it replaces are retired). The workflow answers 202.
 */
public final class TeamsKind extends NamedKind {
  /** Teams refuses messages over about 28 KB; the text stays well below. */
  static final int TEXT_MAX = 12_000;

  public TeamsKind() {
    super("msteams", ReceiverSpec.KindCase.MSTEAMS);
  }

  @Override
  public void parse(YamlTree teams, ReceiverSpec.Builder receiver) throws ConfigException {
    teams.onlyKeys(Set.of("webhook_url", "title", "text"));
    receiver.setMsteams(TeamsSpec.newBuilder().setWebhookUrl(KindFields.url(teams, "webhook_url", null)));
    receiver.setTemplates(KindFields.templates(teams, "title", "text", null));
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    TeamsSpec teams = spec.getMsteams();
    return (n, m) -> {
      ObjectNode message = KindFields.JSON.createObjectNode();
      message.put("type", "message");
      ObjectNode attachment = message.putArray("attachments").addObject();
      attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
      attachment.putNull("contentUrl");
      ObjectNode card = attachment.putObject("content");
      card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
      card.put("type", "AdaptiveCard");
      card.put("version", "1.4");
      ArrayNode body = card.putArray("body");
      body.addObject().put("type", "TextBlock").put("text", m.title()).put("weight", "Bolder").put("size", "Medium")
          .put("color", m.firing() ? "Attention" : "Good").put("wrap", true);
      body.addObject().put("type", "TextBlock").put("text", KindFields.cut(m.text(), TEXT_MAX)).put("wrap", true);
      if (!m.link().isEmpty()) {
        card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", "Status page")
            .put("url", m.link());
      }
      return context.http().post(teams.getWebhookUrl(), "application/json", KindFields.bytes(message),
          Map.of(SendContext.SENDER_HEADER, context.nodeId())).thenApply(Delivery::of);
    };
  }
}
