package dev.quorumwatch.coordinator;

import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.RestoreState;
import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.TargetRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Seeds a cluster from a backup. A restore replaces the whole state rather than changing it,
 * so the state machine swaps in the {@link Coordinator} this returns. What the backup brings:
 * targets, receivers, services, incidents, silences, uptime, repairs and undelivered
 * notifications. What the cluster keeps: its own members and their heartbeats, since the
 * backup's nodes may not exist here. Votes are dropped (they came from the old nodes; the
 * verdicts stay until new votes decide), and the old cluster's monitor-node incidents are
 * closed without a notification: they were about machines this cluster does not have.
 */
public final class StateRestore {
  private StateRestore() {}

  public record Restored(Coordinator state, ApplyOutcome outcome) {}

  public static Restored apply(Coordinator current, Command command) {
    RestoreState restore = command.getRestoreState();
    String problem = problem(current, restore);
    if (problem != null) {
      return new Restored(current, ApplyOutcome.rejected(problem));
    }
    StateSnapshot backup;
    try {
      backup = StateSnapshot.parseFrom(restore.getState());
    } catch (InvalidProtocolBufferException e) {
      return new Restored(current, ApplyOutcome.rejected("backup " + restore.getBackupId() + ": state does not decode: "
          + e.getMessage()));
    }
    String invalid = StateCheck.problem(backup);
    if (invalid != null) {
      return new Restored(current, ApplyOutcome.rejected("backup " + restore.getBackupId() + ": " + invalid));
    }
    try {
      return restored(current, command, restore, backup);
    } catch (RuntimeException bug) { // every replica fails alike: the entry is rejected, the state kept
      return new Restored(current, ApplyOutcome.failedInternally("internal error restoring backup "
          + restore.getBackupId() + ": " + bug));
    }
  }

  private static Restored restored(Coordinator current, Command command, RestoreState restore, StateSnapshot backup) {
    long clockMs = Math.max(Math.max(current.clockMs, command.getAtMs()), backup.getClockMs());
    StateSnapshot.Builder merged = backup.toBuilder()
        .setClockMs(clockMs)
        .setCluster(current.membership.settings())
        .clearNodes().addAllNodes(current.membership.nodes())
        .setQuorumFreshSinceMs(current.monitorHealth.quorumFreshSinceMs())
        .clearMonitorIncidents()
        .setRestoredBackupId(restore.getBackupId());
    for (int i = 0; i < merged.getTargetsCount(); i++) {
      TargetRecord.Builder target = merged.getTargetsBuilder(i);
      target.clearVotes();
    }
    Set<String> monitorIncidents = new HashSet<>(backup.getMonitorIncidentsList());
    for (int i = 0; i < merged.getIncidentsCount(); i++) {
      Incident.Builder incident = merged.getIncidentsBuilder(i);
      if (monitorIncidents.contains(incident.getId()) && incident.getOpen()) {
        incident.setOpen(false).setResolvedMs(clockMs);
      }
    }
    Coordinator restored = StateCodec.restore(merged.build());
    Event event = Events.of(EventKind.EVENT_KIND_MONITORS_APPLIED, clockMs)
        .setMessage("restored from backup " + restore.getBackupId() + ": " + backup.getMonitors().getTargetsCount()
            + " targets, " + backup.getIncidentsCount() + " incidents, " + backup.getSilencesCount() + " silences")
        .build();
    return new Restored(restored, ApplyOutcome.accepted(List.of(event), ""));
  }

  private static String problem(Coordinator current, RestoreState restore) {
    if (restore.getBackupId().isEmpty()) {
      return "restore_state.backup_id: missing";
    }
    if (restore.getBackupId().equals(current.restoredBackupId)) {
      return "backup " + restore.getBackupId() + " is already restored";
    }
    if (!current.restoredBackupId.isEmpty()) {
      return "this cluster was seeded from backup " + current.restoredBackupId + " already; a restore seeds a new"
          + " cluster once";
    }
    return null;
  }
}
