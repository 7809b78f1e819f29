package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.coordinator.dependency.Dependencies;
import dev.quorumwatch.coordinator.incident.TargetAlerts;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.Verdict;

/**
 * Whether an open incident speaks: a silence or maintenance window over its labels, or, for a
 * TargetDown, a dependency holding it back (see {@link Dependencies}). A silenced incident is
 * recorded and grouped but not sent; when it stops being silenced while open, its group
 * speaks; an alert already sent still gets its resolved.
 */
final class Silencing {
  /** What silences one incident now: silenced or not, and the dependency hold, if that is why. */
  record Decision(boolean silenced, String heldBy) {}

  private final Coordinator c;
  private final Dependencies.Status status;
  /** Derived: nothing changes by time alone before this. */
  private long nextChangeMs;

  Silencing(Coordinator c) {
    this.c = c;
    this.status = new Dependencies.Status() {
      @Override
      public Verdict verdict(String targetId) {
        return c.verdictOf(targetId);
      }

      @Override
      public String openIncident(String targetId) {
        TargetTrack track = c.tracks.get(targetId);
        return track == null ? "" : track.openIncidentId;
      }

      @Override
      public long verdictSinceMs(String targetId) {
        TargetTrack track = c.tracks.get(targetId);
        return track == null ? 0 : track.verdictSinceMs;
      }

      @Override
      public String activeEndpoint(String serviceId) {
        return c.failover.get(serviceId).map(ServiceRecord::getActiveEndpoint).orElse("");
      }
    };
  }

  Decision decide(Incident incident) {
    String silence = c.silences.silencedBy(AlertLabels.of(incident, c.membership.clusterId()), c.clockMs);
    String held = holds(incident) ? c.dependencies.holdReason(incident.getTargetId(), incident.getStartedMs(),
        c.clockMs, status) : null;
    return new Decision(silence != null || held != null, held == null ? "" : held);
  }

  /** Whether a change now may silence or unsilence something. */
  boolean due(boolean silencesChanged, boolean verdictsChanged) {
    return silencesChanged || c.clockMs >= nextChangeMs || (verdictsChanged && c.dependencies.any());
  }

  /**
   * After a restore the next change is not known: the first entry re-decides everything, which
   * changes nothing that was decided right, so restored and running replicas stay equal.
   */
  void restored() {
    nextChangeMs = 0;
  }

  /** Re-decides every open incident (a silence, window or hold began or ended). */
  void refresh() {
    long next = c.silences.nextChangeAfter(c.clockMs);
    for (Incident incident : c.incidents.openIncidents()) {
      Decision d = decide(incident);
      if (c.incidents.setSilenced(incident.getId(), d.silenced(), d.heldBy())) {
        c.groups.touch(incident.getId());
      }
      if (holds(incident)) {
        next = Math.min(next, c.dependencies.nextWaitEnd(incident.getTargetId(), incident.getStartedMs(), c.clockMs,
            status));
      }
    }
    nextChangeMs = next;
  }

  private boolean holds(Incident incident) {
    return c.dependencies.any() && incident.getAlertname().equals(TargetAlerts.TARGET_DOWN);
  }
}
