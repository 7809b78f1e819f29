package dev.quorumwatch.coordinator;

import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.TargetRecord;
import dev.quorumwatch.proto.TargetSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The coordinator's whole state to and from its protobuf snapshot form. */
public final class StateCodec {
  private StateCodec() {}

  public static StateSnapshot snapshot(Coordinator c) {
    StateSnapshot.Builder s = StateSnapshot.newBuilder()
        .setClockMs(c.clockMs)
        .setMonitors(c.monitors)
        .setMonitorsIndex(c.monitorsIndex)
        .setCluster(c.membership.settings())
        .addAllNodes(c.membership.nodes())
        .addAllIncidents(c.incidents.all())
        .addAllOutbox(c.outbox.pending())
        .setNextSeq(c.outbox.nextSeq())
        .addAllGroups(c.groups.all())
        .addAllSilences(c.silences.all())
        .addAllFailed(c.failed.all())
        .setQuorumFreshSinceMs(c.monitorHealth.quorumFreshSinceMs())
        .addAllMonitorIncidents(c.monitorHealth.openIncidentIds())
        .addAllDigests(c.digests.marks())
        .addAllServices(c.failover.all())
        .addAllRepairs(c.repairs.all())
        .setRestoredBackupId(c.restoredBackupId);
    for (TargetTrack t : c.tracks.values()) {
      TargetRecord.Builder record = t.toRecord();
      if (c.heartbeats.targetIds().contains(t.targetId)) {
        record.setHeartbeat(c.heartbeats.recordOf(t.targetId));
      }
      s.addTargets(record);
    }
    return s.build();
  }

  public static Coordinator restore(StateSnapshot s) {
    Coordinator c = new Coordinator();
    c.clockMs = s.getClockMs();
    c.monitors = s.getMonitors();
    c.monitorsIndex = s.getMonitorsIndex();
    c.restoredBackupId = s.getRestoredBackupId();
    for (TargetSpec t : s.getMonitors().getTargetsList()) {
      c.targetSpecs.put(t.getId(), t);
    }
    c.membership.restore(s.getCluster(), s.getNodesList());
    for (TargetRecord r : s.getTargetsList()) {
      TargetTrack t = TargetTrack.fromRecord(r);
      if (r.hasHeartbeat()) {
        c.heartbeats.restore(t.targetId, r.getHeartbeat());
      }
      c.tracks.put(t.targetId, t);
    }
    c.incidents.restore(s.getIncidentsList());
    c.outbox.restore(s.getOutboxList(), s.getNextSeq());
    c.groups.restore(s.getGroupsList());
    c.silences.restore(s.getSilencesList());
    c.failed.restore(s.getFailedList());
    c.digests.restore(s.getDigestsList());
    c.failover.restore(s.getServicesList());
    c.repairs.restore(s.getRepairsList());
    c.monitorHealth.restore(s.getQuorumFreshSinceMs(), s.getMonitorIncidentsList(), c.incidents::get);
    c.afterRestore();
    return c;
  }

  /** A short digest of the whole state: replicas that applied the same log agree on it. */
  public static String digest(Coordinator c) {
    return digest(snapshot(c));
  }

  /** The first 16 hex digits of SHA-256 over the serialized state (also a backup's content id). */
  public static String digest(StateSnapshot s) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(s.toByteArray());
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
