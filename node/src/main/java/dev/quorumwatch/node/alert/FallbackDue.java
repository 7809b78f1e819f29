package dev.quorumwatch.node.alert;

import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;

/**
 * Whether a notification that just failed goes to its receiver's fallback instead: the
 * receiver has one, the notification is not itself a fallback copy, and it has waited
 * {@code fallback_after} since it was decided. Counting from the decision (replicated), not
 * from this leader's first attempt, keeps a leader change from restarting the wait.
 */
final class FallbackDue {
  private FallbackDue() {}

  static boolean isDue(Notification n, ReceiverSpec receiver, long nowMs) {
    return !receiver.getFallback().isEmpty() && n.getFallbackForId().isEmpty()
        && nowMs - n.getCreatedMs() >= receiver.getFallbackAfterMs();
  }
}
