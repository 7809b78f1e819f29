package dev.quorumwatch.node.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's last successful probe latencies per target, for the status page's sparklines:
 * a ring of ints per target (a deque of boxed longs took ~1.5 KB per target, 15 MB at 10,000).
 */
public final class LatencyHistory {
  private final int keep;
  private final Map<String, Ring> samples = new HashMap<>();

  private static final class Ring {
    final int[] ms;
    int next;
    int size;

    Ring(int keep) {
      ms = new int[keep];
    }
  }

  public LatencyHistory(int keep) {
    this.keep = keep;
  }

  public synchronized void record(String target, boolean ok, long latencyMs) {
    if (!ok) {
      return;
    }
    Ring r = samples.computeIfAbsent(target, t -> new Ring(keep));
    r.ms[r.next] = (int) Math.min(Integer.MAX_VALUE, latencyMs);
    r.next = (r.next + 1) % keep;
    r.size = Math.min(keep, r.size + 1);
  }

  /** Oldest first, per target. */
  public synchronized Map<String, List<Long>> snapshot() {
    Map<String, List<Long>> out = new HashMap<>();
    samples.forEach((target, r) -> {
      List<Long> ordered = new ArrayList<>(r.size);
      for (int i = 0; i < r.size; i++) {
        ordered.add((long) r.ms[(r.next - r.size + i + keep) % keep]);
      }
      out.put(target, ordered);
    });
    return out;
  }

  public synchronized void retain(Set<String> targets) {
    samples.keySet().retainAll(targets);
  }
}
