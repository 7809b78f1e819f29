package dev.quorumwatch.harness.faults;

import dev.quorumwatch.harness.faults.Intervals.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The ground truth of a fault-injection run, as the harness made it happen: when each target
 * was really down for which nodes, when each node was unable to take part (killed, paused, or
 * on the minority side of the network), when a restarted node had not yet reported to the
 * cluster, which node led when, when the machine running it all stalled, and what happened,
 * in words.
 */
public final class ChaosLog {
  /** What every node sees of one target: open down spans per node. */
  private final Map<String, Map<Integer, List<Span>>> downByTarget = new HashMap<>();
  private final Map<Integer, List<Span>> unable = new HashMap<>();
  private final Map<Integer, List<Span>> cutOff = new HashMap<>();
  private final Map<Integer, List<Span>> rejoining = new HashMap<>();
  private final List<Span> stalls = new ArrayList<>();
  private final List<long[]> leaderSamples = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final int nodes;
  private final long originMs;

  /** @param originMs wall-clock time the run's event times count from */
  public ChaosLog(int nodes, long originMs) {
    this.nodes = nodes;
    this.originMs = originMs;
  }

  public synchronized void event(long atMs, String what) {
    events.add(String.format(Locale.ROOT, "%7.1fs %s", secondsIn(atMs), what));
  }

  /** Seconds from the run's origin to {@code atMs}, as the event lines show them. */
  public double secondsIn(long atMs) {
    return (atMs - originMs) / 1000.0;
  }

  /** From {@code atMs}, the target is down exactly for {@code downNodes}. */
  public synchronized void targetSeenDown(String target, Set<Integer> downNodes, long atMs) {
    Map<Integer, List<Span>> perNode = downByTarget.computeIfAbsent(target, t -> new HashMap<>());
    for (int i = 0; i < nodes; i++) {
      setOpen(perNode.computeIfAbsent(i, k -> new ArrayList<>()), downNodes.contains(i), atMs);
    }
  }

  /** From {@code atMs}: which nodes cannot take part, and which are cut off from a majority. */
  public synchronized void health(Set<Integer> unableNodes, Set<Integer> cutOffNodes, long atMs) {
    for (int i = 0; i < nodes; i++) {
      setOpen(unable.computeIfAbsent(i, k -> new ArrayList<>()), unableNodes.contains(i), atMs);
      setOpen(cutOff.computeIfAbsent(i, k -> new ArrayList<>()), cutOffNodes.contains(i), atMs);
    }
  }

  /**
   * From {@code atMs}, whether {@code node} is a restarted process that has no report committed
   * yet: until then it cannot vote, however healthy its process and links are.
   */
  public synchronized void rejoining(int node, boolean stillRejoining, long atMs) {
    setOpen(rejoining.computeIfAbsent(node, k -> new ArrayList<>()), stillRejoining, atMs);
  }

  /** The machine ran nothing of the harness from {@code fromMs} to {@code toMs}: its cores were saturated. */
  public synchronized void stall(long fromMs, long toMs) {
    stalls.add(new Span(fromMs, toMs));
    event(fromMs, "machine stalled " + (toMs - fromMs) + " ms (the harness woke that late: its cores were saturated)");
  }

  public synchronized void leaderSample(long atMs, int leader) {
    leaderSamples.add(new long[] {atMs, leader});
  }

  private static void setOpen(List<Span> spans, boolean open, long atMs) {
    boolean isOpen = !spans.isEmpty() && spans.get(spans.size() - 1).endMs() == Long.MAX_VALUE;
    if (open && !isOpen) {
      spans.add(new Span(atMs, Long.MAX_VALUE));
    } else if (!open && isOpen) {
      Span last = spans.remove(spans.size() - 1);
      spans.add(new Span(last.startMs(), atMs));
    }
  }

  public synchronized Set<String> targets() {
    return Set.copyOf(downByTarget.keySet());
  }

  public synchronized List<Span> downSpans(String target, int node) {
    return List.copyOf(downByTarget.getOrDefault(target, Map.of()).getOrDefault(node, List.of()));
  }

  public synchronized List<Span> unableSpans(int node) {
    return List.copyOf(unable.getOrDefault(node, List.of()));
  }

  public synchronized List<Span> rejoiningSpans(int node) {
    return List.copyOf(rejoining.getOrDefault(node, List.of()));
  }

  public synchronized List<Span> cutOffSpans(int node) {
    return List.copyOf(cutOff.getOrDefault(node, List.of()));
  }

  public synchronized List<Span> stalls() {
    return List.copyOf(stalls);
  }

  public synchronized List<long[]> leaderSamples() {
    return List.copyOf(leaderSamples);
  }

  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  public int nodes() {
    return nodes;
  }
}
