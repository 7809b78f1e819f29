package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.Inhibitions;
import dev.quorumwatch.coordinator.dependency.Dependencies;
import dev.quorumwatch.coordinator.time.ReplicatedZones;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.TargetSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * A new monitors file: receivers, services, windows, dependencies and rules are replaced;
 * removed targets' incidents resolve (to the new receivers) and their records go; a target
 * whose repair steps changed starts its ladder afresh; new targets get a record.
 */
final class MonitorsChange {
  private MonitorsChange() {}

  /** The monitors file {@code spec} replaces the one in force, in this entry. */
  static void apply(Coordinator c, Entry entry, MonitorsSpec spec) {
    Set<String> kept = new HashSet<>();
    for (TargetSpec t : spec.getTargetsList()) {
      kept.add(t.getId());
    }
    // Receivers first: a removed target's open incident resolves to the new c.receivers.
    c.monitors = spec;
    c.monitorsIndex = entry.index();
    c.receivers.clear();
    spec.getReceiversList().forEach(r -> c.receivers.put(r.getId(), r));
    c.groups.keepReceivers(c.receivers.keySet());
    c.groups.touchAll(); // routes may have new timings
    c.digests.keepReceivers(c.receivers.values());
    c.serviceSpecs.clear();
    spec.getServicesList().forEach(svc -> c.serviceSpecs.put(svc.getId(), svc));
    c.failover.keepServices(c.serviceSpecs.keySet());
    c.zones = ReplicatedZones.of(spec);
    c.silences.setWindows(spec.getMaintenanceList(), c.zones);
    c.dependencies = Dependencies.of(spec);
    c.inhibitions = Inhibitions.of(spec);
    for (TargetTrack track : new ArrayList<>(c.tracks.values())) {
      if (!kept.contains(track.targetId)) {
        if (!track.openIncidentId.isEmpty()) {
          entry.resolve(track.openIncidentId);
          track.openIncidentId = "";
        }
        if (!track.warningIncidentId.isEmpty()) {
          entry.resolve(track.warningIncidentId);
          track.warningIncidentId = "";
        }
        if (!track.certIncidentId.isEmpty()) {
          entry.resolve(track.certIncidentId);
          track.certIncidentId = "";
        }
        if (!track.rateLimitIncidentId.isEmpty()) {
          entry.resolve(track.rateLimitIncidentId);
          track.rateLimitIncidentId = "";
        }
        c.tracks.remove(track.targetId);
        c.warnings.forget(track.targetId);
      }
    }
    for (TargetSpec t : spec.getTargetsList()) {
      TargetSpec before = c.targetSpecs.get(t.getId());
      if (before != null && !before.getRepair().equals(t.getRepair())) {
        c.repairs.stop(t.getId(), c.clockMs); // its steps changed: the old ladder's positions mean nothing now
      }
    }
    c.repairs.keepTargets(kept);
    c.targetSpecs.clear();
    for (TargetSpec t : spec.getTargetsList()) {
      c.targetSpecs.put(t.getId(), t);
      c.tracks.computeIfAbsent(t.getId(), TargetTrack::new);
    }
    c.heartbeats.keepTargets(c.targetSpecs, c.clockMs);
    entry.add(entry.event(EventKind.EVENT_KIND_MONITORS_APPLIED)
        .setMessage(spec.getTargetsCount() + " targets, " + spec.getReceiversCount() + " c.receivers")
        .build());
  }
}
