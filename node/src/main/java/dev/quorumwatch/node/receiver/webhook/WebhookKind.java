package dev.quorumwatch.node.receiver.webhook;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.WebhookSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Alertmanager-format webhook: the body Alertmanager's receivers already read, an
 * {@code Idempotency-Key} header with the notification's key, and an HMAC signature when the
 * receiver has a secret.
 */
public final class WebhookKind extends NamedKind {
  private static final Logger log = LoggerFactory.getLogger(WebhookKind.class);

  public WebhookKind() {
    super("webhook", ReceiverSpec.KindCase.WEBHOOK);
  }

  @Override
  public void parse(YamlTree hook, ReceiverSpec.Builder receiver) throws ConfigException {
    hook.onlyKeys(Set.of("url", "secret_env", "secret_file"));
    if (hook.has("secret_env") && hook.has("secret_file")) {
      throw hook.child("secret_file").error("expected secret_env or secret_file, not both");
    }
    receiver.setWebhook(WebhookSpec.newBuilder()
        .setUrl(KindFields.url(hook, "url", null))
        .setSecretEnv(hook.string("secret_env", ""))
        .setSecretFile(hook.string("secret_file", "")));
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    WebhookSpec hook = spec.getWebhook();
    AtomicBoolean unsignedWarned = new AtomicBoolean();
    return (n, message) -> {
      byte[] body = AlertPayload.render(n, message.link());
      Map<String, String> headers = new HashMap<>();
      headers.put("Idempotency-Key", n.getId());
      headers.put(SendContext.SENDER_HEADER, context.nodeId());
      String secret = signingSecret(hook, context.http().secrets(), spec.getId(), context.nodeId(), unsignedWarned);
      if (secret != null) {
        headers.put(WebhookSigner.HEADER, WebhookSigner.sign(secret, context.clockMs().getAsLong() / 1000, body));
      }
      return context.http().post(hook.getUrl(), "application/json", body, headers).thenApply(Delivery::of);
    };
  }

  /**
   * The HMAC secret, from this node's environment or a file on it. Missing, the notification
   * goes unsigned (the receiver decides whether to accept it), with one warning per receiver
   * that names the variable or file, never a value.
   */
  private static String signingSecret(WebhookSpec hook, Secrets secrets, String receiverId, String nodeId,
      AtomicBoolean warned) {
    boolean fromEnv = !hook.getSecretEnv().isEmpty();
    if (!fromEnv && hook.getSecretFile().isEmpty()) {
      return null;
    }
    String source = fromEnv ? "environment variable " + hook.getSecretEnv() : "file " + hook.getSecretFile();
    String secret = null;
    try {
      secret = fromEnv ? secrets.variable(hook.getSecretEnv()) : secrets.file(hook.getSecretFile());
    } catch (IllegalArgumentException unset) {
      // warned below, like an empty value
    }
    if (secret != null && !secret.isEmpty()) {
      return secret;
    }
    if (warned.compareAndSet(false, true)) {
      log.warn("webhook sent unsigned node={} receiver={} reason=\"{} is unset, empty or unreadable on this node\"",
          nodeId, receiverId, source);
    }
    return null;
  }
}
