package dev.quorumwatch.node.report;

import dev.quorumwatch.proto.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * The log lines for the events the state machine applies: one line per meaningful event.
 * Events that happened before this process started are the log being replayed (a restart
 * re-applies every entry since the last snapshot) or a node catching up; they were logged
 * when they happened, so they are counted instead, and one line says how many when the first
 * new event arrives. Not thread-safe: the state machine applies entries one at a time.
 */
public final class EventLines {
  private final String nodeId;
  private final long startedAtMs;
  private long replayed;

  /** @param startedAtMs this process's start (wall clock), against the events' own times */
  public EventLines(String nodeId, long startedAtMs) {
    this.nodeId = nodeId;
    this.startedAtMs = startedAtMs;
  }

  /** The lines to log for one applied batch, in order; none for events only of use to code. */
  public List<String> lines(List<Event> applied) {
    List<String> out = new ArrayList<>();
    for (Event e : applied) {
      String line = lineFor(e);
      if (line == null) {
        continue;
      }
      if (e.getAtMs() < startedAtMs) {
        replayed++;
        continue;
      }
      if (replayed > 0) {
        out.add("events from before this start not logged again node=" + nodeId + " events=" + replayed
            + " (the log replayed since the last snapshot, or this node catching up)");
        replayed = 0;
      }
      out.add(line);
    }
    return out;
  }

  private String lineFor(Event e) {
    return switch (e.getType()) {
      case EVENT_KIND_MONITORS_APPLIED -> "monitors applied " + e.getMessage();
      case EVENT_KIND_VERDICT -> "verdict changed node=" + nodeId + " target=" + e.getTargetId() + " from="
          + shortName(e.getPreviousVerdict().name()) + " to=" + shortName(e.getVerdict().name()) + " incident="
          + e.getIncidentId() + " votes=\"" + e.getMessage() + "\"";
      case EVENT_KIND_REPAIR_LADDER -> "repair ladder node=" + nodeId + " target=" + e.getTargetId() + " \""
          + e.getMessage() + "\"";
      case EVENT_KIND_SERVICE_CHANGED -> "service changed node=" + nodeId + " service="
          + e.getService().getServiceId() + " active=" + e.getService().getActiveEndpoint() + " version="
          + e.getService().getVersion() + " \"" + e.getService().getReason() + "\"";
      case EVENT_KIND_INCIDENT_OPENED, EVENT_KIND_INCIDENT_RESOLVED, EVENT_KIND_INCIDENT_ACKNOWLEDGED,
          EVENT_KIND_INCIDENT_UPDATED, EVENT_KIND_SILENCE_ADDED, EVENT_KIND_SILENCE_EXPIRED, EVENT_KIND_DELIVERY_FAILED ->
          e.getKind().replace('_', ' ') + " node=" + nodeId + " target=" + e.getTargetId() + " incident="
              + e.getIncidentId() + " \"" + e.getMessage() + "\"";
      default -> null;
    };
  }

  private static String shortName(String verdict) {
    return verdict.replace("VERDICT_", "");
  }
}
