package dev.quorumwatch.node.alert;

import dev.quorumwatch.node.receiver.AlertMessage;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.ReceiverKinds;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The receivers of the current monitors spec, ready to send: built once per receiver and
 * again when its spec changes (a kind keeps per-receiver state, such as the webhook's
 * one warning for a missing signing secret).
 */
public final class Receivers {
  private record Built(ReceiverSpec spec, Receiver receiver) {}

  /** Every attempt ends by then, whatever the kind: HTTP and SMTP time out sooner. */
  static final long SEND_DEADLINE_MS = 45_000;
  private final SendContext context;
  private final String externalUrl;
  private final Map<String, Built> built = new ConcurrentHashMap<>();

  /** {@code externalUrl}: the sending node's status page, linked from every message. */
  public Receivers(SendContext context, String externalUrl) {
    this.context = context;
    this.externalUrl = externalUrl;
  }

  /** Sends {@code n} to {@code spec}'s receiver; ends by {@link #SEND_DEADLINE_MS}, exceptionally when nothing came back. */
  public CompletableFuture<Delivery> send(ReceiverSpec spec, Notification n) {
    CompletableFuture<Delivery> sent;
    try {
      sent = of(spec).send(n, AlertMessage.of(n, externalUrl, spec.getTemplates()));
    } catch (RuntimeException unusable) {
      sent = CompletableFuture.failedFuture(unusable);
    }
    return sent.orTimeout(SEND_DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  private Receiver of(ReceiverSpec spec) {
    return built.compute(spec.getId(), (id, current) -> current != null && current.spec().equals(spec) ? current
        : new Built(spec, ReceiverKinds.of(spec).create(spec, context))).receiver();
  }
}
