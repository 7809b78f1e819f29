package dev.quorumwatch.coordinator.notify;

import dev.quorumwatch.proto.FailedNotification;
import dev.quorumwatch.proto.HandOver;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gives notifications their receiver could not take to that receiver's fallback. Each goes
 * over at most once: the original leaves the outbox as it is handed over, a copy
 * ({@code <id>/fallback}) joins it for the fallback receiver, and a copy is never handed on
 * again. A command for a notification that is no longer pending (delivered meanwhile, or
 * already handed over by an earlier leader) changes nothing.
 */
public final class HandOvers {
  public static final String SUFFIX = "/fallback";

  private HandOvers() {}

  /** Applies {@code command}; returns a record of each notification handed over, in order. */
  public static List<FailedNotification> apply(HandOver command, Outbox outbox, Map<String, ReceiverSpec> receivers,
      long nowMs) {
    List<FailedNotification> handed = new ArrayList<>();
    for (String id : command.getNotificationIdsList()) {
      Optional<Notification> pending = outbox.get(id);
      if (pending.isEmpty() || !pending.get().getFallbackForId().isEmpty()) {
        continue;
      }
      Notification n = pending.get();
      ReceiverSpec receiver = receivers.get(n.getReceiverId());
      if (receiver == null || receiver.getFallback().isEmpty() || !receivers.containsKey(receiver.getFallback())
          || outbox.isPending(id + SUFFIX)) {
        continue;
      }
      outbox.remove(id);
      outbox.add(n.toBuilder().setId(id + SUFFIX).setReceiverId(receiver.getFallback()).setCreatedMs(nowMs)
          .setFallbackForReceiver(n.getReceiverId()).setFallbackForId(id));
      handed.add(FailedNotification.newBuilder().setNotification(n).setFailedMs(nowMs)
          .setLastError(command.getLastError()).setAttempts(command.getAttempts())
          .setHandedOverTo(receiver.getFallback()).build());
    }
    return handed;
  }
}
