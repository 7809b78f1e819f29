package dev.quorumwatch.coordinator.notify;

import dev.quorumwatch.proto.DeliveryFailed;
import dev.quorumwatch.proto.FailedNotification;
import dev.quorumwatch.proto.Notification;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Notifications given up on or handed over to a fallback: kept, newest last, up to {@link #KEPT}. */
public final class FailedNotifications {
  public static final int KEPT = 1000;

  private final ArrayDeque<FailedNotification> records = new ArrayDeque<>();

  /** The leader gave up on these: they leave the outbox for the record. Answers the ids that were pending. */
  public List<String> giveUp(DeliveryFailed failure, Outbox outbox, long clockMs) {
    List<String> givenUp = new ArrayList<>();
    for (String id : failure.getNotificationIdsList()) {
      Optional<Notification> given = outbox.remove(id);
      if (given.isPresent()) {
        keep(FailedNotification.newBuilder().setNotification(given.get()).setFailedMs(clockMs)
            .setLastError(failure.getLastError()).setAttempts(failure.getAttempts()).build());
        givenUp.add(id);
      }
    }
    return givenUp;
  }

  public void keep(FailedNotification record) {
    records.addLast(record);
    while (records.size() > KEPT) {
      records.removeFirst();
    }
  }

  /** Forgets records of failures before {@code cutoffMs}. */
  public void forgetBefore(long cutoffMs) {
    records.removeIf(r -> r.getFailedMs() < cutoffMs);
  }

  public Collection<FailedNotification> all() {
    return records;
  }

  public void restore(Collection<FailedNotification> saved) {
    records.clear();
    records.addAll(saved);
  }
}
