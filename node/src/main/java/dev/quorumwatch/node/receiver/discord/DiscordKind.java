package dev.quorumwatch.node.receiver.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.HttpPoster;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.proto.DiscordSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import java.util.Map;
import java.util.Set;

/**
 * Discord webhooks: one embed, red when firing and green when resolved, with mentions off
 * (an alert must not ping @everyone). Discord answers 204; when rate limited 429 with
 * Retry-After and {@code retry_after} (seconds) in the body.
 */
public final class DiscordKind extends NamedKind {
  static final int TITLE_MAX = 256;
  static final int DESCRIPTION_MAX = 4096;

  public DiscordKind() {
    super("discord", ReceiverSpec.KindCase.DISCORD);
  }

  @Override
  public void parse(YamlTree discord, ReceiverSpec.Builder receiver) throws ConfigException {
    discord.onlyKeys(Set.of("webhook_url", "title", "text"));
    receiver.setDiscord(DiscordSpec.newBuilder().setWebhookUrl(KindFields.url(discord, "webhook_url", null)));
    receiver.setTemplates(KindFields.templates(discord, "title", "text", null));
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    DiscordSpec discord = spec.getDiscord();
    return (n, m) -> {
      ObjectNode body = KindFields.JSON.createObjectNode();
      body.put("username", "QuorumWatch");
      body.putObject("allowed_mentions").putArray("parse");
      ObjectNode embed = body.putArray("embeds").addObject();
      embed.put("title", KindFields.cut(m.title(), TITLE_MAX));
      embed.put("description", KindFields.cut(m.text(), DESCRIPTION_MAX));
      embed.put("color", m.firing() ? 0xD63232 : 0x2EB886);
      if (m.link().startsWith("http")) {
        embed.put("url", m.link());
      }
      embed.putObject("footer").put("text", "key " + m.key());
      return context.http().post(discord.getWebhookUrl(), "application/json", KindFields.bytes(body),
          Map.of(SendContext.SENDER_HEADER, context.nodeId())).thenApply(DiscordKind::delivery);
    };
  }

  /** Discord's body says how long to wait (seconds, fractional) when its header does not. */
  static Delivery delivery(HttpPoster.Answer answer) {
    if (answer.status() != 429 || answer.retryAfterMs() > 0) {
      return Delivery.of(answer);
    }
    return Delivery.failed(answer.describe(), KindFields.retryAfterInBody(answer.bodyExcerpt(), "retry_after"));
  }
}
