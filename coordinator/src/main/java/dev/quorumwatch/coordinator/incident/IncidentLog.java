package dev.quorumwatch.coordinator.incident;

import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.IncidentUpdate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Open incidents and a bounded history of resolved ones (by count here, by age on request), oldest first. */
public final class IncidentLog {
  public static final int RESOLVED_KEPT_MAX = 1000;
  /** An operator's update for the status pages: its text, and how many one incident takes. */
  public static final int UPDATE_MESSAGE_CHARS_MAX = 2_000;
  public static final int UPDATES_MAX = 50;

  private final LinkedHashMap<String, Incident> byId = new LinkedHashMap<>();
  private int resolvedCount;

  /** Records a new open incident (its id, start and labels already set). */
  public Incident open(Incident.Builder draft) {
    Incident incident = draft.setOpen(true).build();
    byId.put(incident.getId(), incident);
    return incident;
  }

  /**
   * Marks whether a silence, maintenance window or dependency hold ({@code heldBy}, or "")
   * covers the incident; true when whether it is silenced changed.
   */
  public boolean setSilenced(String id, boolean silenced, String heldBy) {
    Incident current = byId.get(id);
    if (current == null || (current.getSilenced() == silenced && current.getSuppressedBy().equals(heldBy))) {
      return false;
    }
    byId.put(id, current.toBuilder().setSilenced(silenced).setSuppressedBy(heldBy).build());
    return current.getSilenced() != silenced;
  }

  public void acknowledge(String id, String by, String comment, long nowMs) {
    byId.put(id, byId.get(id).toBuilder().setAckedBy(by).setAckComment(comment).setAckedMs(nowMs).build());
  }

  public void addUpdate(String id, IncidentUpdate update) {
    byId.put(id, byId.get(id).toBuilder().addUpdates(update).build());
  }

  /** Adds regions that saw the target down after the incident opened. */
  public void addRegions(String id, Collection<String> regions) {
    Incident current = byId.get(id);
    if (current == null) {
      return;
    }
    TreeSet<String> merged = new TreeSet<>(current.getRegionsList());
    if (merged.addAll(regions)) {
      byId.put(id, current.toBuilder().clearRegions().addAllRegions(merged).build());
    }
  }

  public Incident resolve(String id, long nowMs) {
    Incident resolved = byId.get(id).toBuilder().setOpen(false).setResolvedMs(nowMs).build();
    byId.put(id, resolved);
    resolvedCount++;
    trimHistory();
    return resolved;
  }

  /** Forgets resolved incidents resolved before {@code cutoffMs}. */
  public void forgetResolvedBefore(long cutoffMs) {
    Iterator<Incident> it = byId.values().iterator();
    while (it.hasNext()) {
      Incident i = it.next();
      if (!i.getOpen() && i.getResolvedMs() < cutoffMs) {
        it.remove();
        resolvedCount--;
      }
    }
  }

  public Optional<Incident> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Collection<Incident> all() {
    return byId.values();
  }

  public void restore(Collection<Incident> incidents) {
    byId.clear();
    resolvedCount = 0;
    for (Incident i : incidents) {
      byId.put(i.getId(), i);
      if (!i.getOpen()) {
        resolvedCount++;
      }
    }
  }

  private void trimHistory() {
    Iterator<Incident> it = byId.values().iterator();
    while (resolvedCount > RESOLVED_KEPT_MAX && it.hasNext()) {
      if (!it.next().getOpen()) {
        it.remove();
        resolvedCount--;
      }
    }
  }

  public List<Incident> openIncidents() {
    List<Incident> open = new ArrayList<>();
    for (Incident i : byId.values()) {
      if (i.getOpen()) {
        open.add(i);
      }
    }
    return open;
  }
}
