package dev.quorumwatch.coordinator.notify;

/** Stable notification ids: the same incident, receiver and status always give the same id. */
public final class NotificationIds {
  private NotificationIds() {}

  public static String of(String incidentId, String receiverId, String status) {
    return incidentId + "/" + receiverId + "/" + status;
  }
}
