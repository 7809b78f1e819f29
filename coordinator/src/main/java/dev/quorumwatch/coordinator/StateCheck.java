package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.proto.AlertGroup;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.Silence;
import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.TargetRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The invariants a whole state must hold before it is used as one (a restore): the monitors
 * checks, unique ids, and the references between its parts. A tampered or damaged backup
 * that passed these could still be wrong, but not in a way that makes applying the next
 * entries throw (a notification id its group will reuse, a group of an unknown receiver...).
 */
public final class StateCheck {
  private StateCheck() {}

  /** Null when {@code s} can be used, else the first problem, naming the part. */
  public static String problem(StateSnapshot s) {
    if (s.getClockMs() < 0 || s.getNextSeq() < 0) {
      return "clock and sequence numbers must not be negative";
    }
    String monitors = MonitorsCheck.problem(s.getMonitors());
    if (monitors != null) {
      return "monitors." + monitors;
    }
    Set<String> receivers = new HashSet<>();
    for (ReceiverSpec r : s.getMonitors().getReceiversList()) {
      receivers.add(r.getId());
    }
    Set<String> targets = new HashSet<>();
    s.getMonitors().getTargetsList().forEach(t -> targets.add(t.getId()));
    Set<String> incidents = new HashSet<>();
    for (Incident i : s.getIncidentsList()) {
      if (i.getId().isEmpty() || !incidents.add(i.getId())) {
        return "incidents: " + (i.getId().isEmpty() ? "an incident without an id" : "incident " + i.getId() + " twice");
      }
    }
    Set<String> seenTargets = new HashSet<>();
    for (TargetRecord t : s.getTargetsList()) {
      if (!seenTargets.add(t.getTargetId())) {
        return "targets: target " + t.getTargetId() + " twice";
      }
    }
    Map<String, AlertGroup> groups = new HashMap<>();
    for (AlertGroup g : s.getGroupsList()) {
      if (g.getId().isEmpty() || groups.put(g.getId(), g) != null) {
        return "groups: " + (g.getId().isEmpty() ? "a group without an id" : "group " + g.getId() + " twice");
      }
      if (!receivers.contains(g.getReceiverId())) {
        return "groups: group " + g.getId() + " is for receiver " + g.getReceiverId() + ", which the monitors lack";
      }
    }
    Set<String> pending = new HashSet<>();
    long lastSeq = 0;
    for (Notification n : s.getOutboxList()) {
      if (n.getId().isEmpty() || !pending.add(n.getId())) {
        return "outbox: " + (n.getId().isEmpty() ? "a notification without an id" : "notification " + n.getId() + " twice");
      }
      if (n.getSeq() <= lastSeq || n.getSeq() >= s.getNextSeq()) {
        return "outbox: notification " + n.getId() + " is out of order (seq " + n.getSeq() + ", next " + s.getNextSeq()
            + ")";
      }
      lastSeq = n.getSeq();
    }
    for (AlertGroup g : groups.values()) {
      String next = g.getReceiverId() + "/" + g.getId() + "/" + g.getSent();
      if (pending.contains(next)) {
        return "groups: group " + g.getId() + " would reuse the id of pending notification " + next;
      }
    }
    for (Silence silence : s.getSilencesList()) {
      String matchers = Matchers.problem(silence.getMatchersList());
      if (matchers != null || silence.getEndsMs() < silence.getStartsMs()) {
        return "silences: silence " + silence.getId() + ": " + (matchers != null ? matchers : "ends before it starts");
      }
    }
    return null;
  }
}
