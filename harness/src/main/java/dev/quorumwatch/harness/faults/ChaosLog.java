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
  /**
   * One call that made the log what it is, in order: replayed, the calls make the same log
   * again (so a finished run can be judged again by a later checker, {@link ChaosRecord}).
   * Only the fields of its kind are set: {@code event} (at, text), {@code down} (at, text:
   * the target, nodes), {@code health} (at, nodes: unable, others: cut off), {@code
   * rejoining} (at, node, flag), {@code stall} (at, to), {@code leader} (at, node).
   */
  public record Entry(String kind, long at, long to, String text, List<Integer> nodes, List<Integer> others, int node,
      boolean flag) {}

  private final List<Entry> journal = new ArrayList<>();
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

  /** The log {@code journal} makes, as it made the original. */
  public static ChaosLog replay(int nodes, long originMs, List<Entry> journal) {
    ChaosLog log = new ChaosLog(nodes, originMs);
    for (Entry e : journal) {
      switch (e.kind()) {
        case "event" -> log.event(e.at(), e.text());
        case "down" -> log.targetSeenDown(e.text(), setOf(e.nodes()), e.at());
        case "health" -> log.health(setOf(e.nodes()), setOf(e.others()), e.at());
        case "rejoining" -> log.rejoining(e.node(), e.flag(), e.at());
        case "stall" -> log.stall(e.at(), e.to());
        case "leader" -> log.leaderSample(e.at(), e.node());
        default -> throw new IllegalArgumentException("unknown chaos log entry kind: " + e.kind());
      }
    }
    return log;
  }

  public synchronized void event(long atMs, String what) {
    journal.add(new Entry("event", atMs, 0, what, null, null, 0, false));
    addEvent(atMs, what);
  }

  private void addEvent(long atMs, String what) {
    events.add(String.format(Locale.ROOT, "%7.1fs %s", secondsIn(atMs), what));
  }

  /** Seconds from the run's origin to {@code atMs}, as the event lines show them. */
  public double secondsIn(long atMs) {
    return (atMs - originMs) / 1000.0;
  }

  /** From {@code atMs}, the target is down exactly for {@code downNodes}. */
  public synchronized void targetSeenDown(String target, Set<Integer> downNodes, long atMs) {
    journal.add(new Entry("down", atMs, 0, target, sorted(downNodes), null, 0, false));
    Map<Integer, List<Span>> perNode = downByTarget.computeIfAbsent(target, t -> new HashMap<>());
    for (int i = 0; i < nodes; i++) {
      setOpen(perNode.computeIfAbsent(i, k -> new ArrayList<>()), downNodes.contains(i), atMs);
    }
  }

  /** From {@code atMs}: which nodes cannot take part, and which are cut off from a majority. */
  public synchronized void health(Set<Integer> unableNodes, Set<Integer> cutOffNodes, long atMs) {
    journal.add(new Entry("health", atMs, 0, null, sorted(unableNodes), sorted(cutOffNodes), 0, false));
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
    journal.add(new Entry("rejoining", atMs, 0, null, null, null, node, stillRejoining));
    setOpen(rejoining.computeIfAbsent(node, k -> new ArrayList<>()), stillRejoining, atMs);
  }

  /** The machine ran nothing of the harness from {@code fromMs} to {@code toMs}: its cores were saturated. */
  public synchronized void stall(long fromMs, long toMs) {
    journal.add(new Entry("stall", fromMs, toMs, null, null, null, 0, false));
    stalls.add(new Span(fromMs, toMs));
    addEvent(fromMs, "machine stalled " + (toMs - fromMs) + " ms (the harness woke that late: its cores were saturated)");
  }

  public synchronized void leaderSample(long atMs, int leader) {
    journal.add(new Entry("leader", atMs, 0, null, null, null, leader, false));
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

  /** An empty list is left out of a written record, so it reads back as none. */
  private static Set<Integer> setOf(List<Integer> nodes) {
    return nodes == null ? Set.of() : Set.copyOf(nodes);
  }

  private static List<Integer> sorted(Set<Integer> nodes) {
    return nodes.stream().sorted().toList();
  }

  public synchronized List<Entry> journal() {
    return List.copyOf(journal);
  }

  public long originMs() {
    return originMs;
  }

  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  public int nodes() {
    return nodes;
  }
}
