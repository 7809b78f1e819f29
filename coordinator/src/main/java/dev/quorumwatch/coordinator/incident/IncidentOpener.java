package dev.quorumwatch.coordinator.incident;

import dev.quorumwatch.proto.Incident;

/**
 * How a feature opens and resolves incidents within the log entry being applied: the
 * coordinator numbers them after the entry, routes them to receivers and tells watchers.
 */
public interface IncidentOpener {
  /** Opens an incident from a draft (id, start and silencing are filled in) and answers it. */
  Incident open(Incident.Builder draft);

  void resolve(String incidentId);
}
