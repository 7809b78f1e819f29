package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.coordinator.incident.IncidentOpener;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.Incident;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One log entry being applied: the incidents it opens and resolves (numbered after the
 * entry, routed to receivers, silenced or not) and the events it tells watchers about.
 */
final class Entry implements IncidentOpener {
  private final Coordinator c;
  private final long index;
  private final List<Event> events = new ArrayList<>();
  private int incidentsOpened;

  Entry(Coordinator c, long index) {
    this.c = c;
    this.index = index;
  }

  long index() {
    return index;
  }

  /** Opens an incident: {@code inc-<index>}, then {@code inc-<index>.2}, ... for more in the same entry. */
  @Override
  public Incident open(Incident.Builder draft) {
    incidentsOpened++;
    String id = "inc-" + index + (incidentsOpened > 1 ? "." + incidentsOpened : "");
    draft.setId(id).setStartedMs(c.clockMs).setOpenedAtIndex(index);
    Map<String, String> labels = AlertLabels.of(draft.build(), c.membership.clusterId());
    Silencing.Decision silencing = c.silencing.decide(draft.build());
    draft.setSilenced(silencing.silenced()).setSuppressedBy(silencing.heldBy());
    Incident incident = c.incidents.open(draft);
    c.groups.route(index, incident, labels, c.monitors.getReceiversList(), c.clockMs);
    add(event(EventKind.EVENT_KIND_INCIDENT_OPENED).setTargetId(incident.getTargetId()).setIncidentId(id)
        .setMessage(incident.getAlertname() + ": " + incident.getSummary()
            + (incident.getSilenced() ? " (silenced)" : "")).build());
    return incident;
  }

  @Override
  public void resolve(String incidentId) {
    Incident incident = c.incidents.resolve(incidentId, c.clockMs);
    c.groups.touch(incidentId);
    add(event(EventKind.EVENT_KIND_INCIDENT_RESOLVED).setTargetId(incident.getTargetId()).setIncidentId(incidentId)
        .setMessage(incident.getAlertname()).build());
  }

  /** An alert about a moment (a move, a repair step): opened and resolved in the same entry. */
  void openOneShot(Incident.Builder draft) {
    Incident incident = open(draft.setOneShot(true));
    c.incidents.resolve(incident.getId(), c.clockMs);
    c.groups.touch(incident.getId());
  }

  Event.Builder event(EventKind kind) {
    return Events.of(kind, c.clockMs);
  }

  void add(Event event) {
    events.add(event);
  }

  List<Event> events() {
    return events;
  }
}
