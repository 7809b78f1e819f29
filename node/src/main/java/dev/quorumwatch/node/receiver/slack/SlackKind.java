package dev.quorumwatch.node.receiver.slack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.SlackSpec;
import java.util.Map;
import java.util.Set;

/**
 * Slack incoming webhooks: one message with a coloured attachment (red firing, green
 * resolved). Slack answers 200 {@code ok}, or an error word such as {@code invalid_payload}
 * or {@code channel_not_found}, and 429 with Retry-After when rate limited.
 */
public final class SlackKind extends NamedKind {
  /** Slack shortens longer attachment text; we cut it ourselves so the key stays visible. */
  static final int TEXT_MAX = 3000;

  public SlackKind() {
    super("slack", ReceiverSpec.KindCase.SLACK);
  }

  @Override
  public void parse(YamlTree slack, ReceiverSpec.Builder receiver) throws ConfigException {
    slack.onlyKeys(Set.of("api_url", "channel", "title", "text"));
    receiver.setSlack(SlackSpec.newBuilder().setApiUrl(KindFields.url(slack, "api_url", null))
        .setChannel(slack.string("channel", "")));
    receiver.setTemplates(KindFields.templates(slack, "title", "text", null));
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    SlackSpec slack = spec.getSlack();
    return (n, m) -> {
      ObjectNode body = KindFields.JSON.createObjectNode();
      if (!slack.getChannel().isEmpty()) {
        body.put("channel", slack.getChannel());
      }
      body.put("text", m.title());
      ObjectNode attachment = body.putArray("attachments").addObject();
      attachment.put("color", m.firing() ? (m.severity().equals("critical") ? "#d63232" : "#e8a317") : "#2eb886");
      attachment.put("title", m.title());
      if (!m.link().isEmpty()) {
        attachment.put("title_link", m.link());
      }
      attachment.put("text", KindFields.cut(m.text(), TEXT_MAX));
      attachment.put("footer", "QuorumWatch · " + m.key());
      return context.http().post(slack.getApiUrl(), "application/json", KindFields.bytes(body),
          Map.of(SendContext.SENDER_HEADER, context.nodeId())).thenApply(Delivery::of);
    };
  }
}
