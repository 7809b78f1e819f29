package dev.quorumwatch.node.alert;

import dev.quorumwatch.proto.Notification;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which notification each receiver gets next: its oldest pending one, in outbox order. A
 * receiver waits while an earlier notification of the same group is delivered but not yet
 * committed as such: if the leader died then, the next one would resend only what it can't
 * know arrived, never an old firing after a newer resolved.
 */
final class DueNotifications {
  private DueNotifications() {}

  /** {@code pending} in outbox order; {@code awaitingCommit}: delivered, commit in flight. */
  static Map<String, Notification> heads(Collection<Notification> pending, Set<String> awaitingCommit) {
    Set<String> groupsAwaitingCommit = new HashSet<>();
    for (Notification n : pending) {
      if (awaitingCommit.contains(n.getId())) {
        groupsAwaitingCommit.add(n.getReceiverId() + "/" + n.getGroupId());
      }
    }
    Map<String, Notification> headByReceiver = new LinkedHashMap<>();
    Set<String> waitingReceivers = new HashSet<>();
    for (Notification n : pending) {
      String receiverId = n.getReceiverId();
      if (awaitingCommit.contains(n.getId()) || headByReceiver.containsKey(receiverId)
          || waitingReceivers.contains(receiverId)) {
        continue;
      }
      if (groupsAwaitingCommit.contains(receiverId + "/" + n.getGroupId())) {
        waitingReceivers.add(receiverId);
      } else {
        headByReceiver.put(receiverId, n);
      }
    }
    return headByReceiver;
  }
}
