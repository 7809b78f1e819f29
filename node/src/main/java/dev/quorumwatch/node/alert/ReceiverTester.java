package dev.quorumwatch.node.alert;

import dev.quorumwatch.node.probe.FailureClass;
import dev.quorumwatch.node.receiver.ReceiverKinds;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * `quorumwatch test-receiver`: one made-up firing notification (alert {@code QuorumWatchTest},
 * severity info) sent straight to a receiver, outside the log and the delivery lanes, so a new
 * set-up is checked without an outage. Its key starts with {@code test/}.
 */
public final class ReceiverTester {
  private final Receivers receivers;
  private final LongSupplier clockMs;

  public ReceiverTester(Receivers receivers, LongSupplier clockMs) {
    this.receivers = receivers;
    this.clockMs = clockMs;
  }

  public record Outcome(boolean delivered, String kind, String outcome, long durationMs) {}

  public CompletableFuture<Outcome> test(ReceiverSpec receiver, String clusterId) {
    long now = clockMs.getAsLong();
    Notification n = Notification.newBuilder().setId("test/" + receiver.getId() + "/" + now)
        .setReceiverId(receiver.getId()).setStatus("firing").setCreatedMs(now).setClusterId(clusterId)
        .setGroupId("test/" + receiver.getId())
        .addAlerts(AlertItem.newBuilder().setAlertname("QuorumWatchTest").setSeverity("info").setStatus("firing")
            .setSummary("Test notification from QuorumWatch to receiver " + receiver.getId()).setStartsMs(now))
        .build();
    String kind = ReceiverKinds.of(receiver).key();
    return receivers.send(receiver, n).handle((d, e) -> new Outcome(e == null && d.delivered(), kind,
            e != null ? FailureClass.describe(e) : d.outcome(), clockMs.getAsLong() - now));
  }
}
