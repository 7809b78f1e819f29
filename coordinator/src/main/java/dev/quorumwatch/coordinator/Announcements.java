package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.failover.Failover;
import dev.quorumwatch.coordinator.repair.RepairLadders;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.TargetSpec;

/** What an entry tells watchers (and receivers, as one-shot alerts) when a service moves or a repair ladder changes. */
final class Announcements {
  private Announcements() {}

  /**
   * Records a service's move: an event for watchers, and (unless it is the first choice) a
   * one-shot ServiceFailover or ServiceFailback alert.
   */
  static void serviceMoved(Entry entry, Failover.Change change, ServiceSpec service) {
    ServiceRecord r = change.record();
    entry.add(entry.event(EventKind.EVENT_KIND_SERVICE_CHANGED).setService(r).setMessage(r.getServiceId() + " " + (change.from().isEmpty()
        ? "-" : change.from()) + " -> " + r.getActiveEndpoint() + ": " + r.getReason()).build());
    if (change.kind() != Failover.Kind.INITIAL) {
      entry.openOneShot(Failover.alertFor(change, service));
    }
  }

  /** A ladder began or ended: an event, and a one-shot Repair* alert (not for a spent budget). */
  static void repairChanged(Entry entry, RepairLadders.Change change, TargetSpec target) {
    RepairRecord r = change.record();
    String what = switch (change.outcome()) {
      case STARTED -> "repair ladder " + r.getLadderId() + " started";
      case SUCCEEDED -> "repair ladder " + r.getLadderId() + " succeeded after " + r.getAttemptsCount() + " attempts";
      case EXHAUSTED -> "repair ladder " + r.getLadderId() + " exhausted after " + r.getAttemptsCount()
          + " attempts; the target is still DOWN";
      case BUDGET_SPENT -> "no repair ladder: " + r.getLadderStartsMsCount() + " started within the last hour";
    };
    entry.add(entry.event(EventKind.EVENT_KIND_REPAIR_LADDER).setTargetId(r.getTargetId()).setMessage(what).build());
    if (change.outcome() != RepairLadders.Outcome.BUDGET_SPENT) {
      entry.openOneShot(RepairLadders.alertFor(change, what, target));
    }
  }
}
