package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.coordinator.alert.Inhibitions;
import dev.quorumwatch.coordinator.dependency.Dependencies;
import dev.quorumwatch.coordinator.incident.TargetAlerts;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether an open incident speaks: a silence or maintenance window over its labels, for a
 * TargetDown a dependency holding it back (see {@link Dependencies}), or an inhibit rule
 * (see {@link Inhibitions}). A silenced incident is
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

  /** Decides a newly opened incident. */
  Decision decide(Incident incident) {
    return decide(incident, inhibitionSources());
  }

  private Decision decide(Incident incident, List<Inhibitions.Labelled> sources) {
    Map<String, String> labels = AlertLabels.of(incident, c.membership.clusterId());
    String silence = c.silences.silencedBy(labels, c.clockMs);
    String held = holds(incident) ? c.dependencies.holdReason(incident.getTargetId(), incident.getStartedMs(),
        c.clockMs, status) : null;
    if (held == null && !sources.isEmpty()) {
      held = c.inhibitions.inhibitedBy(new Inhibitions.Labelled(incident, labels), sources);
    }
    return new Decision(silence != null || held != null, held == null ? "" : held);
  }

  /** The open incidents that match some inhibit rule's source side: usually few, whatever the number open. */
  private List<Inhibitions.Labelled> inhibitionSources() {
    List<Inhibitions.Labelled> sources = new ArrayList<>();
    if (c.inhibitions.any()) {
      for (Incident open : c.incidents.openIncidents()) {
        Map<String, String> labels = AlertLabels.of(open, c.membership.clusterId());
        if (c.inhibitions.maySource(labels)) {
          sources.add(new Inhibitions.Labelled(open, labels));
        }
      }
    }
    return sources;
  }

  /** Whether this entry's changes ({@code events}) or time may silence or unsilence something. */
  boolean due(boolean silencesChanged, List<Event> events) {
    if (silencesChanged || c.clockMs >= nextChangeMs) {
      return true;
    }
    boolean verdicts = c.dependencies.any() && events.stream().anyMatch(e -> e.getType() == EventKind.EVENT_KIND_VERDICT);
    return verdicts || (c.inhibitions.any() && events.stream().anyMatch(e -> e.getType() == EventKind.EVENT_KIND_INCIDENT_OPENED
        || e.getType() == EventKind.EVENT_KIND_INCIDENT_RESOLVED));
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
    List<Inhibitions.Labelled> sources = inhibitionSources();
    for (Incident incident : c.incidents.openIncidents()) {
      Decision d = decide(incident, sources);
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
