package dev.quorumwatch.coordinator.alert;

import dev.quorumwatch.coordinator.notify.Outbox;
import dev.quorumwatch.proto.AlertGroup;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.RouteSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Routes alerts to receivers and batches them, Alertmanager style: each receiver's route
 * picks alerts by matchers and severity, alerts with the same {@code group_by} label values
 * share a group, and a group speaks after {@code group_wait}, again after
 * {@code group_interval} when it changed, and every {@code repeat_interval} while an
 * unacknowledged alert in it fires. Silenced alerts are left out; a group's resolved alerts
 * are announced once (when the route sends resolved); one-shot alerts (a failover) are sent
 * once as firing and never repeated. The only owner of groups; time comes from the caller.
 */
public final class AlertGroups {
  /** What the groups need to know about the rest of the state. */
  public interface View {
    Optional<Incident> incident(String id);

    String clusterId();

    int quorum();

    /**
     * Whether an alert the receiver was told about stays told while silenced (so its resolved
     * goes out): every member must decide so, or replicas' outboxes would differ during a
     * rolling upgrade from a version that forgot it.
     */
    boolean keepsToldWhileSilenced();
  }

  private final TreeMap<String, AlertGroup> byId = new TreeMap<>();
  private final Map<String, String> idByKey = new HashMap<>();
  private final Set<String> dirty = new TreeSet<>();
  private long earliestDueMs;
  /**
   * {@link View#keepsToldWhileSilenced} as at the last flush. When it changes, every group is
   * looked at again: a group's flush must give the same result whenever it runs, or a replica
   * restarted from a snapshot (which looks at every group at once) would part from the others.
   */
  private boolean keepsTold;
  private int createdInEntry;

  /** Starts a new log entry: ids of groups created from now on derive from {@code index}. */
  public void beginEntry() {
    createdInEntry = 0;
  }

  /** Puts a newly opened alert in the group of every receiver whose route wants it. */
  public void route(long index, Incident incident, Map<String, String> labels, List<ReceiverSpec> receivers,
      long nowMs) {
    for (ReceiverSpec receiver : receivers) {
      RouteSpec route = receiver.getRoute();
      if (!Matchers.matchAll(route.getMatchersList(), labels)
          || (route.getSeveritiesCount() > 0 && !route.getSeveritiesList().contains(incident.getSeverity()))) {
        continue;
      }
      List<Label> groupLabels = groupLabels(route, incident, labels);
      String key = receiver.getId() + "\u0000" + (route.getGroupByCount() == 0 ? incident.getId() : groupLabels);
      String id = idByKey.get(key);
      AlertGroup group = id == null ? null : byId.get(id);
      if (group == null) {
        createdInEntry++;
        id = "g" + index + (createdInEntry > 1 ? "." + createdInEntry : "");
        group = AlertGroup.newBuilder().setId(id).setReceiverId(receiver.getId()).addAllGroupLabels(groupLabels)
            .setCreatedMs(nowMs).setKey(key).build();
        idByKey.put(key, id);
      }
      byId.put(id, group.toBuilder().addIncidentIds(incident.getId()).build());
      dirty.add(id);
    }
  }

  /** Something about this incident changed (resolved, silenced, acknowledged). */
  public void touch(String incidentId) {
    for (AlertGroup g : byId.values()) {
      if (g.getIncidentIdsList().contains(incidentId)) {
        dirty.add(g.getId());
      }
    }
  }

  public void touchAll() {
    dirty.addAll(byId.keySet());
  }

  /** Drops groups of receivers that no longer exist. */
  public void keepReceivers(Set<String> receiverIds) {
    byId.values().removeIf(g -> !receiverIds.contains(g.getReceiverId()));
    idByKey.values().removeIf(id -> !byId.containsKey(id));
  }

  /** Sends what is due at {@code nowMs} into the outbox. */
  public void flush(long nowMs, Map<String, ReceiverSpec> receivers, View view, Outbox outbox) {
    if (view.keepsToldWhileSilenced() != keepsTold) {
      keepsTold = !keepsTold;
      touchAll();
    }
    Collection<String> ids = nowMs >= earliestDueMs ? List.copyOf(byId.keySet()) : List.copyOf(dirty);
    boolean full = nowMs >= earliestDueMs;
    dirty.clear();
    long due = full ? Long.MAX_VALUE : earliestDueMs;
    for (String id : ids) {
      AlertGroup group = byId.get(id);
      if (group == null) {
        continue;
      }
      ReceiverSpec receiver = receivers.get(group.getReceiverId());
      if (receiver == null) {
        continue;
      }
      due = Math.min(due, flushGroup(group, receiver.getRoute(), nowMs, view, outbox));
    }
    earliestDueMs = due;
  }

  /** Returns when the group next needs a look (MAX_VALUE: only when something changes). */
  private long flushGroup(AlertGroup group, RouteSpec route, long nowMs, View view, Outbox outbox) {
    List<Incident> firing = new ArrayList<>();
    List<Incident> resolved = new ArrayList<>();
    List<Incident> oneShots = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    Set<String> notified = new LinkedHashSet<>(group.getNotifiedFiringList());
    Set<String> silencedAfterTold = new LinkedHashSet<>();
    for (String incidentId : group.getIncidentIdsList()) {
      Optional<Incident> found = view.incident(incidentId);
      if (found.isEmpty()) {
        continue; // aged out of the history: nothing left to say about it
      }
      Incident incident = found.get();
      if (incident.getOneShot()) {
        if (!incident.getSilenced()) {
          kept.add(incidentId); // until it is sent, once
          oneShots.add(incident);
        }
      } else if (incident.getOpen()) {
        kept.add(incidentId);
        if (!incident.getSilenced()) {
          firing.add(incident);
        } else if (notified.contains(incidentId) && keepsTold) {
          silencedAfterTold.add(incidentId);
        }
      } else if (notified.contains(incidentId) && route.getSendResolved()) {
        kept.add(incidentId);
        resolved.add(incident);
      }
    }
    Set<String> firingIds = new LinkedHashSet<>();
    firing.forEach(i -> firingIds.add(i.getId()));
    // An alert silenced before it was sent speaks when unsilenced. One the receiver was told
    // about stays told: its resolved is never swallowed, and unsilencing it sends nothing new.
    notified.retainAll(union(union(firingIds, ids(resolved)), silencedAfterTold));
    boolean changed = !notified.containsAll(firingIds) || !resolved.isEmpty() || !oneShots.isEmpty();
    boolean reminder = false;
    long dueMs;
    if (group.getSent() == 0) {
      dueMs = firing.isEmpty() && oneShots.isEmpty() ? Long.MAX_VALUE : group.getCreatedMs() + route.getGroupWaitMs();
    } else if (changed) {
      dueMs = group.getLastSentMs() + route.getGroupIntervalMs();
    } else if (!firing.isEmpty() && route.getRepeatIntervalMs() > 0
        && firing.stream().anyMatch(i -> i.getAckedBy().isEmpty())) {
      dueMs = group.getLastSentMs() + route.getRepeatIntervalMs();
      reminder = true;
    } else {
      dueMs = Long.MAX_VALUE;
    }
    AlertGroup.Builder next = group.toBuilder().clearIncidentIds().addAllIncidentIds(kept)
        .clearNotifiedFiring().addAllNotifiedFiring(notified);
    if (dueMs <= nowMs) {
      outbox.add(notification(group, firing, oneShots, resolved, reminder, nowMs, view));
      kept.removeIf(id -> resolved.stream().anyMatch(i -> i.getId().equals(id))
          || oneShots.stream().anyMatch(i -> i.getId().equals(id)));
      next.clearIncidentIds().addAllIncidentIds(kept)
          .clearNotifiedFiring().addAllNotifiedFiring(union(firingIds, silencedAfterTold))
          .setLastSentMs(nowMs).setSent(group.getSent() + 1);
      dueMs = firing.isEmpty() ? Long.MAX_VALUE
          : route.getRepeatIntervalMs() > 0 ? nowMs + route.getRepeatIntervalMs() : Long.MAX_VALUE;
    }
    AlertGroup updated = next.build();
    if (updated.getIncidentIdsCount() == 0) {
      byId.remove(group.getId());
      idByKey.values().remove(group.getId());
      return Long.MAX_VALUE;
    }
    byId.put(group.getId(), updated);
    return dueMs;
  }

  private static Notification.Builder notification(AlertGroup group, List<Incident> firing, List<Incident> oneShots,
      List<Incident> resolved, boolean reminder, long nowMs, View view) {
    Notification.Builder n = Notification.newBuilder()
        .setId(group.getReceiverId() + "/" + group.getId() + "/" + group.getSent())
        .setReceiverId(group.getReceiverId())
        .setStatus(firing.isEmpty() && oneShots.isEmpty() ? "resolved" : "firing")
        .setQuorum(view.quorum())
        .setCreatedMs(nowMs)
        .setClusterId(view.clusterId())
        .setGroupId(group.getId())
        .addAllGroupLabels(group.getGroupLabelsList())
        .setReminder(reminder);
    firing.forEach(i -> n.addAlerts(item(i, "firing")));
    oneShots.forEach(i -> n.addAlerts(item(i, "firing")));
    resolved.forEach(i -> n.addAlerts(item(i, "resolved")));
    return n;
  }

  private static AlertItem item(Incident i, String status) {
    return AlertItem.newBuilder()
        .setIncidentId(i.getId())
        .setStatus(status)
        .setAlertname(i.getAlertname())
        .setTargetId(i.getTargetId())
        .setSeverity(i.getSeverity())
        .addAllLabels(i.getLabelsList())
        .setStartsMs(i.getStartedMs())
        .setEndsMs(i.getResolvedMs())
        .addAllRegions(i.getRegionsList())
        .addAllEvidence(i.getEvidenceList())
        .setSummary(i.getSummary())
        .setNodeId(i.getNodeId())
        .build();
  }

  private static List<Label> groupLabels(RouteSpec route, Incident incident, Map<String, String> labels) {
    List<Label> out = new ArrayList<>();
    if (route.getGroupByCount() == 0) {
      out.add(Label.newBuilder().setName("alertname").setValue(incident.getAlertname()).build());
      String subject = !incident.getTargetId().isEmpty() ? "target" : !incident.getNodeId().isEmpty() ? "node" : "service";
      out.add(Label.newBuilder().setName(subject).setValue(labels.getOrDefault(subject, "")).build());
      return out;
    }
    for (String name : new TreeSet<>(route.getGroupByList())) {
      out.add(Label.newBuilder().setName(name).setValue(labels.getOrDefault(name, "")).build());
    }
    return out;
  }

  private static Set<String> ids(List<Incident> incidents) {
    Set<String> out = new LinkedHashSet<>();
    incidents.forEach(i -> out.add(i.getId()));
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return out;
  }

  public Collection<AlertGroup> all() {
    return byId.values();
  }

  /** After a restore: the rule in force when the snapshot was taken (it follows from the restored members). */
  public void restoreKeepsTold(boolean keepsToldWhileSilenced) {
    keepsTold = keepsToldWhileSilenced;
  }

  public void restore(Collection<AlertGroup> groups) {
    byId.clear();
    idByKey.clear();
    for (AlertGroup g : groups) {
      byId.put(g.getId(), g);
      idByKey.put(g.getKey(), g.getId());
    }
    dirty.clear();
    earliestDueMs = 0;
  }
}
