package dev.quorumwatch.node.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.coordinator.notify.HandOvers;
import dev.quorumwatch.proto.FailedNotification;
import dev.quorumwatch.proto.ListDeliveriesRequest;
import dev.quorumwatch.proto.ListDeliveriesResponse;
import dev.quorumwatch.proto.PendingDelivery;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deliveries", mixinStandardHelpOptions = true,
    description = "Notifications not yet delivered (with attempts and the last error, from the leader), those"
        + " given up after max_delivery_age, and those handed to a receiver's fallback.")
final class DeliveriesCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    ListDeliveriesResponse r = client.call(stub -> stub.listDeliveries(ListDeliveriesRequest.getDefaultInstance()));
    if (!r.getAttemptsKnown() && !r.getLeaderApi().isEmpty() && !r.getLeaderApi().equals(client.server)) {
      client.server = r.getLeaderApi(); // only the leader knows the attempts
      r = client.call(stub -> stub.listDeliveries(ListDeliveriesRequest.getDefaultInstance()));
    }
    if (json) {
      ObjectNode doc = Json.MAPPER.createObjectNode();
      doc.put("attempts_known", r.getAttemptsKnown());
      ArrayNode pending = doc.putArray("pending");
      for (PendingDelivery p : r.getPendingList()) {
        ObjectNode one = Json.notification(p.getNotification());
        one.put("attempts", p.getAttempts());
        one.put("last_error", p.getLastError().isEmpty() ? null : p.getLastError());
        one.put("next_attempt_at", Json.timeOrNull(p.getNextAttemptMs()));
        pending.add(one);
      }
      ArrayNode failed = doc.putArray("failed");
      for (FailedNotification f : r.getFailedList()) {
        ObjectNode one = Json.notification(f.getNotification());
        one.put("attempts", f.getAttempts());
        one.put("last_error", f.getLastError());
        one.put("failed_at", Json.timeOrNull(f.getFailedMs()));
        one.put("handed_over_to", f.getHandedOverTo().isEmpty() ? null : f.getHandedOverTo());
        failed.add(one);
      }
      System.out.println(doc);
      return 0;
    }
    System.out.printf("%-8s %-24s %-10s %-9s %-8s %-24s %s%n", "STATE", "ID", "RECEIVER", "STATUS", "ATTEMPTS", "CREATED",
        "LAST ERROR");
    for (PendingDelivery p : r.getPendingList()) {
      System.out.printf("%-8s %-24s %-10s %-9s %-8s %-24s %s%n", "pending", p.getNotification().getId(),
          p.getNotification().getReceiverId(), p.getNotification().getStatus(),
          r.getAttemptsKnown() ? Integer.toString(p.getAttempts()) : "?", Times.rfc3339(p.getNotification().getCreatedMs()),
          p.getLastError());
    }
    for (FailedNotification f : r.getFailedList()) {
      boolean handed = !f.getHandedOverTo().isEmpty();
      System.out.printf("%-8s %-24s %-10s %-9s %-8d %-24s %s%n", handed ? "handed" : "failed",
          f.getNotification().getId(), f.getNotification().getReceiverId(), f.getNotification().getStatus(),
          f.getAttempts(), Times.rfc3339(f.getNotification().getCreatedMs()),
          (handed ? "to " + f.getHandedOverTo() + " as " + f.getNotification().getId() + HandOvers.SUFFIX + ": " : "") + f.getLastError());
    }
    return 0;
  }
}
