package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.notify.HandOvers;
import dev.quorumwatch.proto.Acknowledge;
import dev.quorumwatch.proto.AddSilence;
import dev.quorumwatch.proto.Delivered;
import dev.quorumwatch.proto.DeliveryFailed;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.ExpireSilence;
import dev.quorumwatch.proto.FailedNotification;
import dev.quorumwatch.proto.HandOver;
import dev.quorumwatch.proto.IncidentUpdate;
import dev.quorumwatch.proto.PostIncidentUpdate;
import dev.quorumwatch.proto.RepairAttemptFinished;
import dev.quorumwatch.proto.RepairAttemptStarted;
import dev.quorumwatch.proto.Silence;

/**
 * The commands that record what happened or what an operator said (deliveries, hand-overs,
 * acknowledgements, public updates, repair attempts, silences) and announce it as events.
 * They decide nothing about verdicts; what follows from them (a silence starting, a group
 * speaking) is decided by the pipeline after them, in the same entry.
 */
final class Bookkeeping {
  private Bookkeeping() {}

  static void delivered(Coordinator c, Entry entry, Delivered delivered) {
    for (String id : delivered.getNotificationIdsList()) {
      if (c.outbox.markDelivered(id)) {
        entry.add(entry.event(EventKind.EVENT_KIND_DELIVERED).setMessage(id).build());
      }
    }
  }

  static void deliveryFailed(Coordinator c, Entry entry, DeliveryFailed failure) {
    for (String id : c.failed.giveUp(failure, c.outbox, c.clockMs)) {
      entry.add(entry.event(EventKind.EVENT_KIND_DELIVERY_FAILED).setMessage(id + ": " + failure.getLastError()).build());
    }
  }

  static void handOver(Coordinator c, Entry entry, HandOver handOver) {
    for (FailedNotification handed : HandOvers.apply(handOver, c.outbox, c.receivers, c.clockMs)) {
      c.failed.keep(handed);
      entry.add(entry.event(EventKind.EVENT_KIND_NOTIFICATION_QUEUED).setMessage(handed.getNotification().getId()
          + " handed over to " + handed.getHandedOverTo() + ": " + handed.getLastError()).build());
    }
  }

  /** Adds a silence from now; answers its id. */
  static String addSilence(Coordinator c, Entry entry, AddSilence add) {
    c.silences.forgetExpired(c.clockMs);
    Silence silence = c.silences.add(Silence.newBuilder()
        .setId("sil-" + entry.index())
        .addAllMatchers(add.getMatchersList())
        .setStartsMs(c.clockMs)
        .setEndsMs(c.clockMs + add.getDurationMs())
        .setComment(add.getComment())
        .setCreatedBy(add.getCreatedBy())
        .build());
    entry.add(entry.event(EventKind.EVENT_KIND_SILENCE_ADDED).setMessage(silence.getId()).build());
    return silence.getId();
  }

  static void expireSilence(Coordinator c, Entry entry, ExpireSilence expire) {
    c.silences.expire(expire.getSilenceId(), c.clockMs);
    entry.add(entry.event(EventKind.EVENT_KIND_SILENCE_EXPIRED).setMessage(expire.getSilenceId()).build());
  }

  static void acknowledge(Coordinator c, Entry entry, Acknowledge ack) {
    c.incidents.acknowledge(ack.getIncidentId(), ack.getBy(), ack.getComment(), c.clockMs);
    c.groups.touch(ack.getIncidentId());
    entry.add(entry.event(EventKind.EVENT_KIND_INCIDENT_ACKNOWLEDGED).setIncidentId(ack.getIncidentId())
        .setMessage("by " + ack.getBy()).build());
  }

  static void incidentUpdate(Coordinator c, Entry entry, PostIncidentUpdate update) {
    c.incidents.addUpdate(update.getIncidentId(), IncidentUpdate.newBuilder().setAtMs(c.clockMs)
        .setStatusValue(update.getStatus()).setMessage(update.getMessage()).setBy(update.getBy()).build());
    entry.add(entry.event(EventKind.EVENT_KIND_INCIDENT_UPDATED).setIncidentId(update.getIncidentId())
        .setMessage(IncidentUpdate.Status.forNumber(update.getStatus()) + " by " + update.getBy()).build());
  }

  static void repairStarted(Coordinator c, Entry entry, RepairAttemptStarted started) {
    c.repairs.started(started, c.targetSpecs.get(started.getTargetId()).getRepair(), c.clockMs);
    entry.add(entry.event(EventKind.EVENT_KIND_REPAIR_ATTEMPT_STARTED).setTargetId(started.getTargetId()).setMessage(
        started.getLadderId() + " step " + started.getStep() + " attempt " + started.getAttempt()).build());
  }

  static void repairFinished(Coordinator c, Entry entry, RepairAttemptFinished finished) {
    c.repairs.finished(finished, c.targetSpecs.get(finished.getTargetId()).getRepair(), c.clockMs);
    entry.add(entry.event(EventKind.EVENT_KIND_REPAIR_ATTEMPT_FINISHED).setTargetId(finished.getTargetId()).setMessage(
        finished.getLadderId() + " step " + finished.getStep() + " attempt " + finished.getAttempt() + ": "
            + (finished.getUnknown() ? "unknown" : finished.getOk() ? "ok" : "failed") + " "
            + finished.getDetail()).build());
  }
}
