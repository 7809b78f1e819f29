package dev.quorumwatch.coordinator.notify;

import dev.quorumwatch.proto.Notification;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Notifications decided but not yet confirmed delivered, in the order they were decided.
 * An entry leaves only when a {@code Delivered} command for its id is applied.
 */
public final class Outbox {
  private final TreeMap<Long, Notification> bySeq = new TreeMap<>();
  private final Map<String, Long> seqById = new HashMap<>();
  private long nextSeq = 1;

  public Notification add(Notification.Builder draft) {
    Notification n = draft.setSeq(nextSeq++).build();
    if (seqById.containsKey(n.getId())) {
      throw new IllegalStateException("notification id reused: " + n.getId());
    }
    bySeq.put(n.getSeq(), n);
    seqById.put(n.getId(), n.getSeq());
    return n;
  }

  /** Returns true when the id was pending; repeated confirmations are harmless. */
  public boolean markDelivered(String id) {
    Long seq = seqById.remove(id);
    if (seq == null) {
      return false;
    }
    bySeq.remove(seq);
    return true;
  }

  /** Takes an entry out without delivering it (given up on); empty when not pending. */
  public Optional<Notification> remove(String id) {
    Long seq = seqById.remove(id);
    return seq == null ? Optional.empty() : Optional.of(bySeq.remove(seq));
  }

  public Optional<Notification> get(String id) {
    Long seq = seqById.get(id);
    return seq == null ? Optional.empty() : Optional.of(bySeq.get(seq));
  }

  public boolean isPending(String id) {
    return seqById.containsKey(id);
  }

  public Collection<Notification> pending() {
    return bySeq.values();
  }

  /** Pending entries decided at or after {@code seq}, in order. */
  public Collection<Notification> since(long seq) {
    return bySeq.tailMap(seq, true).values();
  }

  public List<Notification> pendingFor(String receiverId) {
    List<Notification> out = new ArrayList<>();
    for (Notification n : bySeq.values()) {
      if (n.getReceiverId().equals(receiverId)) {
        out.add(n);
      }
    }
    return out;
  }

  public int size() {
    return bySeq.size();
  }

  public long nextSeq() {
    return nextSeq;
  }

  public void restore(Collection<Notification> pending, long snapshotNextSeq) {
    bySeq.clear();
    seqById.clear();
    for (Notification n : pending) {
      bySeq.put(n.getSeq(), n);
      seqById.put(n.getId(), n.getSeq());
    }
    nextSeq = snapshotNextSeq;
  }
}
