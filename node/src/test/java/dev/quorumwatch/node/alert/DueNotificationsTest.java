package dev.quorumwatch.node.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Notification;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DueNotificationsTest {
  static Notification n(String id, String receiver, String group) {
    return Notification.newBuilder().setId(id).setReceiverId(receiver).setGroupId(group).build();
  }

  @Test
  void eachReceiverGetsItsOldestPendingNotification() {
    List<Notification> pending = List.of(n("a1", "a", "g1"), n("b1", "b", "g1"), n("a2", "a", "g2"));
    assertThat(DueNotifications.heads(pending, Set.of())).containsOnlyKeys("a", "b")
        .satisfies(m -> assertThat(m.get("a").getId()).isEqualTo("a1"));
  }

  @Test
  void aDeliveredButUncommittedNotificationHoldsBackItsGroupOnly() {
    List<Notification> sameGroup = List.of(n("a1", "a", "g1"), n("a2", "a", "g1"));
    assertThat(DueNotifications.heads(sameGroup, Set.of("a1"))).as("a resolved never overtakes its firing").isEmpty();
    List<Notification> otherGroup = List.of(n("a1", "a", "g1"), n("a2", "a", "g2"));
    assertThat(DueNotifications.heads(otherGroup, Set.of("a1")).get("a").getId()).isEqualTo("a2");
  }
}
