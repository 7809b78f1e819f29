package dev.quorumwatch.node.metrics;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** This node's last successful probe latencies per target, for the status page's sparklines. */
public final class LatencyHistory {
  private final int keep;
  private final Map<String, Deque<Long>> samples = new HashMap<>();

  public LatencyHistory(int keep) {
    this.keep = keep;
  }

  public synchronized void record(String target, boolean ok, long latencyMs) {
    if (!ok) {
      return;
    }
    Deque<Long> d = samples.computeIfAbsent(target, t -> new ArrayDeque<>(keep));
    if (d.size() == keep) {
      d.removeFirst();
    }
    d.addLast(latencyMs);
  }

  /** Oldest first, per target. */
  public synchronized Map<String, List<Long>> snapshot() {
    Map<String, List<Long>> out = new HashMap<>();
    samples.forEach((target, d) -> out.put(target, List.copyOf(d)));
    return out;
  }

  public synchronized void retain(Set<String> targets) {
    samples.keySet().retainAll(targets);
  }
}
