package dev.quorumwatch.node.receiver.ntfy;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.proto.NtfySpec;
import dev.quorumwatch.proto.ReceiverSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ntfy: a POST of the text to the topic URL, with title, priority, tags and click link as
 * headers (a non-ASCII title in RFC 2047 form, which ntfy decodes). Answers 200; 429 with
 * Retry-After when rate limited.
 */
public final class NtfyKind extends NamedKind {
  /** ntfy turns longer messages into attachments; keep the alert a message. */
  static final int TEXT_MAX = 4000;

  public NtfyKind() {
    super("ntfy", ReceiverSpec.KindCase.NTFY);
  }

  @Override
  public void parse(YamlTree ntfy, ReceiverSpec.Builder receiver) throws ConfigException {
    ntfy.onlyKeys(Set.of("url", "token", "title", "text"));
    receiver.setNtfy(NtfySpec.newBuilder().setUrl(KindFields.url(ntfy, "url", null))
        .setToken(KindFields.secret(ntfy, "token", false)));
    receiver.setTemplates(KindFields.templates(ntfy, "title", "text", null));
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    NtfySpec ntfy = spec.getNtfy();
    return (n, m) -> {
      Map<String, String> headers = new HashMap<>();
      headers.put("Title", headerText(m.title()));
      headers.put("Priority", !m.firing() ? "default" : m.severity().equals("critical") ? "urgent" : "high");
      headers.put("Tags", m.firing() ? "rotating_light" : "white_check_mark");
      if (!m.link().isEmpty()) {
        headers.put("Click", m.link());
      }
      if (!ntfy.getToken().isEmpty()) {
        try {
          headers.put("Authorization", "Bearer " + context.http().secrets().expand(ntfy.getToken()));
        } catch (IllegalArgumentException unset) { // names the variable or file, never a value
          return CompletableFuture.failedFuture(unset);
        }
      }
      headers.put(SendContext.SENDER_HEADER, context.nodeId());
      return context.http().post(ntfy.getUrl(), "text/plain; charset=utf-8",
          KindFields.cut(m.text(), TEXT_MAX).getBytes(StandardCharsets.UTF_8), headers).thenApply(Delivery::of);
    };
  }

  /** ASCII as it is; anything else as an RFC 2047 encoded word. */
  static String headerText(String text) {
    boolean ascii = text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    return ascii ? text
        : "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
  }
}
