package dev.quorumwatch.node.receiver.telegram;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.HttpPoster;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.TelegramSpec;
import java.util.Map;
import java.util.Set;

/**
 * Telegram Bot API {@code sendMessage}: plain text (no parse mode, so nothing in an alert
 * can break the markup). Telegram answers {@code {"ok":true}}; when flooded, 429 with
 * {@code parameters.retry_after} in seconds.
 */
public final class TelegramKind extends NamedKind {
  public static final String DEFAULT_API_URL = "https://api.telegram.org";
  static final int TEXT_MAX = 4096;

  public TelegramKind() {
    super("telegram", ReceiverSpec.KindCase.TELEGRAM);
  }

  @Override
  public void parse(YamlTree tg, ReceiverSpec.Builder receiver) throws ConfigException {
    tg.onlyKeys(Set.of("bot_token", "chat_id", "api_url", "title", "text"));
    receiver.setTelegram(TelegramSpec.newBuilder().setBotToken(KindFields.secret(tg, "bot_token", true))
        .setChatId(tg.string("chat_id")).setApiUrl(KindFields.url(tg, "api_url", DEFAULT_API_URL)));
    receiver.setTemplates(KindFields.templates(tg, "title", "text", null));
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    TelegramSpec tg = spec.getTelegram();
    // The token is part of the path: the URL is filled in by the poster and never logged.
    String url = KindFields.join(tg.getApiUrl(), "/bot" + tg.getBotToken() + "/sendMessage");
    return (n, m) -> {
      ObjectNode body = KindFields.JSON.createObjectNode();
      body.put("chat_id", tg.getChatId());
      body.put("text", KindFields.cut(m.title() + "\n\n" + m.text(), TEXT_MAX));
      body.put("disable_web_page_preview", true);
      return context.http().post(url, "application/json", KindFields.bytes(body), Map.of())
          .thenApply(TelegramKind::delivery);
    };
  }

  static Delivery delivery(HttpPoster.Answer answer) {
    if (answer.status() != 429 || answer.retryAfterMs() > 0) {
      return Delivery.of(answer);
    }
    return Delivery.failed(answer.describe(), KindFields.retryAfterInBody(answer.bodyExcerpt(), "retry_after"));
  }
}
