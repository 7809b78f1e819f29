package dev.quorumwatch.harness.faults;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.faults.Intervals.Span;
import dev.quorumwatch.harness.targets.WebhookSink.Arrival;
import dev.quorumwatch.proto.Incident;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a fault-injection run from what the receiver actually got, against the ground
 * truth in a {@link ChaosLog}. Each rule is one method; each violation is one line that
 * says what was promised and what happened.
 */
public final class ChaosChecker {
  /** The timing the rules allow for. */
  public record Timing(int quorum, long intervalMs, int failureThreshold, int recoveryThreshold, long staleAfterMs) {
    /** How long a quorum outage may take to page: the detection floor's maximum plus a second. */
    long detectionMs() {
      return failureThreshold * intervalMs + 1_000;
    }

    /**
     * How long a vote can outlive what the node sees: recovery debounce, or staleness for a
     * node that went silent (a restarted node keeps its last vote until it forms a new one).
     */
    long voteLagMs() {
      return Math.max(recoveryThreshold * intervalMs, staleAfterMs) + failureThreshold * intervalMs + 1_000;
    }
  }

  static final long LEADER_CHECK_GRACE_MS = 1_000;
  static final long REJOIN_MS = 2_000;
  /**
   * Two leader samples at most this far apart, naming the same leader, show it held office in
   * between: the sampler looks every 200 ms, and up to 500 ms longer while a paused node lets
   * its part of a sample run into its deadline.
   */
  static final long LEADER_SAMPLE_GAP_MS = 1_000;

  private final ChaosLog log;
  private final Timing timing;
  private final List<Arrival> arrivals;
  private final List<Incident> finalIncidents;
  private final long endMs;
  private final List<String> violations = new ArrayList<>();
  private final List<Long> pageDelaysMs = new ArrayList<>();
  private int besideStalls;
  /** Where the cluster had a leader that could commit. */
  private final List<Span> led;

  public ChaosChecker(ChaosLog log, Timing timing, List<Arrival> arrivals, List<Incident> finalIncidents, long endMs) {
    this.log = log;
    this.timing = timing;
    this.arrivals = arrivals;
    this.finalIncidents = finalIncidents;
    this.endMs = endMs;
    this.led = ledSpans(log);
  }

  /** Every rule; returns the violations (empty when the run kept every promise). */
  public List<String> check(int leaderChanges) {
    everyQuorumOutagePagedAndResolved();
    noPageWithoutAQuorumOutage();
    nothingLost();
    inOrderPerIncident();
    duplicatesShareTheirKey(leaderChanges);
    onlyTheLeaderDelivers();
    return List.copyOf(violations);
  }

  /**
   * For each owed page, how long after a quorum of healthy regions saw the outage the
   * incident opened (the detection floor plus any failover): a figure, not a rule.
   */
  public List<Long> pageDelaysMs() {
    return List.copyOf(pageDelaysMs);
  }

  /** How many of the violations a stall of the machine may explain (each says so in its text). */
  public int besideStalls() {
    return besideStalls;
  }

  /**
   * When the machine stalled while the votes behind {@code [fromMs, toMs]} formed, a note
   * naming the longest such stall: on one saturated machine probes time out for real and
   * reports commit late, which the run's record of what each node sees cannot know.
   */
  private String stallNote(long fromMs, long toMs) {
    Span window = new Span(fromMs - timing.detectionMs(), toMs);
    Span longest = null;
    for (Span stall : log.stalls()) {
      if (stall.overlaps(window) && (longest == null || stall.length() > longest.length())) {
        longest = stall;
      }
    }
    if (longest == null) {
      return "";
    }
    besideStalls++;
    return " (beside a machine stall: nothing of the harness ran for " + longest.length() + " ms from "
        + t(longest.startMs()) + ")";
  }

  private Map<String, List<Arrival>> byIncident() {
    Map<String, List<Arrival>> out = new LinkedHashMap<>();
    for (Arrival a : arrivals) {
      out.computeIfAbsent(a.incidentId(), k -> new ArrayList<>()).add(a);
    }
    return out;
  }

  /**
   * Where the cluster had a leader that could commit: one a majority named in consecutive
   * samples, while it was neither unable to take part nor cut off from leading.
   */
  static List<Span> ledSpans(ChaosLog log) {
    List<long[]> samples = log.leaderSamples();
    Map<Integer, List<Span>> heldOffice = new HashMap<>();
    for (int i = 0; i + 1 < samples.size(); i++) {
      long from = samples.get(i)[0];
      long to = samples.get(i + 1)[0];
      if (to - from <= LEADER_SAMPLE_GAP_MS && samples.get(i)[1] == samples.get(i + 1)[1]) {
        heldOffice.computeIfAbsent((int) samples.get(i)[1], n -> new ArrayList<>()).add(new Span(from, to));
      }
    }
    List<Span> led = new ArrayList<>();
    heldOffice.forEach((leader, spans) -> {
      List<Span> notAble = new ArrayList<>(log.unableSpans(leader));
      notAble.addAll(log.cutOffSpans(leader));
      led.addAll(Intervals.intersect(spans, Intervals.complement(notAble, 0, Long.MAX_VALUE)));
    });
    return Intervals.merge(led);
  }

  private long ledMs(Span span) {
    return Intervals.intersect(List.of(span), led).stream().mapToLong(Span::length).sum();
  }

  /**
   * Spans where a quorum of healthy nodes saw the target down, long enough that a page is owed.
   * A node is healthy {@link #REJOIN_MS} after it can take part again (its links reconnect and
   * its next report commits), and a restarted one no earlier than its first committed report.
   * Only time with a leader that could commit counts towards the detection time: without
   * one, no vote can commit, so an election inside an outage delays its page by as long.
   */
  List<Span> owedPages(String target) {
    List<List<Span>> healthyDown = new ArrayList<>();
    for (int i = 0; i < log.nodes(); i++) {
      List<Span> notHealthy = new ArrayList<>(Intervals.extendEnds(log.unableSpans(i), REJOIN_MS));
      notHealthy.addAll(log.rejoiningSpans(i));
      List<Span> healthy = Intervals.complement(notHealthy, 0, Long.MAX_VALUE);
      healthyDown.add(Intervals.intersect(log.downSpans(target, i), healthy));
    }
    List<Span> owed = new ArrayList<>();
    for (Span s : Intervals.atLeast(healthyDown, timing.quorum())) {
      if (ledMs(s) > timing.detectionMs()) {
        owed.add(s);
      }
    }
    return owed;
  }

  void everyQuorumOutagePagedAndResolved() {
    for (String target : log.targets()) {
      for (Span owed : owedPages(target)) {
        boolean paged = false;
        for (Arrival a : arrivals) {
          if (a.target().equals(target) && a.status().equals("firing")
              && a.startsAtMs() < owed.endMs() + timing.voteLagMs() && incidentEnd(a.incidentId()) > owed.startMs()) {
            paged = true;
            pageDelaysMs.add(Math.max(0, a.startsAtMs() - owed.startMs()));
            break;
          }
        }
        if (!paged) {
          violations.add("no firing notification for " + target + ", down for a quorum of healthy regions from "
              + t(owed.startMs()) + " to " + t(owed.endMs()) + " (" + ledMs(owed) + " ms of it with a leader); got "
              + describe(target)
              + stallNote(owed.startMs(), owed.endMs()));
        }
      }
    }
    for (Map.Entry<String, List<Arrival>> e : byIncident().entrySet()) {
      boolean firing = e.getValue().stream().anyMatch(a -> a.status().equals("firing"));
      boolean resolved = e.getValue().stream().anyMatch(a -> a.status().equals("resolved"));
      if (firing && !resolved) {
        violations.add("incident " + e.getKey() + " fired but its resolved notification never arrived");
      }
    }
  }

  private String describe(String target) {
    List<String> got = new ArrayList<>();
    for (Arrival a : arrivals) {
      if (a.target().equals(target)) {
        got.add(a.status() + " " + a.incidentId() + " started " + t(a.startsAtMs()) + " arrived " + t(a.atMs()));
      }
    }
    return got.toString();
  }

  private long incidentEnd(String incidentId) {
    for (Arrival a : arrivals) {
      if (a.incidentId().equals(incidentId) && a.status().equals("resolved")) {
        return a.atMs();
      }
    }
    return Long.MAX_VALUE;
  }

  void noPageWithoutAQuorumOutage() {
    for (String target : log.targets()) {
      List<List<Span>> down = new ArrayList<>();
      for (int i = 0; i < log.nodes(); i++) {
        down.add(Intervals.extendEnds(log.downSpans(target, i), timing.voteLagMs()));
      }
      List<Span> possible = Intervals.atLeast(down, timing.quorum());
      for (Arrival a : arrivals) {
        if (!a.target().equals(target) || !a.status().equals("firing")) {
          continue;
        }
        if (possible.stream().noneMatch(s -> s.contains(a.startsAtMs()))) {
          violations.add("TargetDown for " + target + " (incident " + a.incidentId() + ", started " + t(a.startsAtMs())
              + ") without a quorum of regions seeing it down" + stallNote(a.startsAtMs(), a.startsAtMs()));
        }
      }
    }
  }

  void nothingLost() {
    Set<String> arrived = new HashSet<>();
    for (Arrival a : arrivals) {
      arrived.add(a.incidentId() + "/" + a.status());
    }
    for (Incident i : finalIncidents) {
      if (i.getOpen()) {
        violations.add("incident " + i.getId() + " on " + i.getTargetId() + " is still open after every target recovered");
        continue;
      }
      if (i.getStartedMs() == 0) {
        continue;
      }
      for (String status : List.of("firing", "resolved")) {
        if (!arrived.contains(i.getId() + "/" + status)) {
          violations.add("notification lost: " + status + " of incident " + i.getId() + " on " + i.getTargetId()
              + " never arrived");
        }
      }
    }
  }

  void inOrderPerIncident() {
    for (Map.Entry<String, List<Arrival>> e : byIncident().entrySet()) {
      boolean resolvedSeen = false;
      for (Arrival a : e.getValue()) {
        if (a.status().equals("resolved")) {
          resolvedSeen = true;
        } else if (resolvedSeen) {
          violations.add("incident " + e.getKey() + ": a firing notification arrived after its resolved one (at "
              + t(a.atMs()) + ", from " + a.sender() + ")");
        }
      }
    }
  }

  void duplicatesShareTheirKey(int leaderChanges) {
    Map<String, Set<String>> keysByNotification = new HashMap<>();
    Map<String, Integer> countByKey = new HashMap<>();
    for (Arrival a : arrivals) {
      keysByNotification.computeIfAbsent(a.incidentId() + "/" + a.status(), k -> new HashSet<>()).add(a.idempotencyKey());
      countByKey.merge(a.idempotencyKey(), 1, Integer::sum);
    }
    keysByNotification.forEach((notification, keys) -> {
      if (keys.size() > 1) {
        violations.add("notification " + notification + " arrived under several keys: " + keys);
      }
    });
    // A new leader resends what the old one delivered but could not record yet: each
    // notification may repeat once per leader change.
    countByKey.forEach((key, count) -> {
      if (count - 1 > Math.max(0, leaderChanges)) {
        violations.add(key + " arrived " + count + " times across " + leaderChanges + " leader changes (at most one extra each)");
      }
    });
  }

  void onlyTheLeaderDelivers() {
    List<long[]> samples = log.leaderSamples();
    List<String> ids = new ArrayList<>();
    for (Arrival a : arrivals) {
      int sender = indexOf(a.sender());
      if (sender < 0) {
        violations.add("a notification without a sender header: " + a.idempotencyKey());
        continue;
      }
      for (Span cut : log.cutOffSpans(sender)) {
        if (a.atMs() >= cut.startMs() + LEADER_CHECK_GRACE_MS && a.atMs() < cut.endMs()) {
          violations.add(a.sender() + " delivered " + a.idempotencyKey() + " at " + t(a.atMs())
              + " although cut off from the majority since " + t(cut.startMs()) + stallNote(a.atMs(), a.atMs()));
        }
      }
      List<long[]> before = samples.stream()
          .filter(s -> s[0] <= a.atMs() && a.atMs() - s[0] <= LEADER_CHECK_GRACE_MS).toList();
      List<long[]> after = samples.stream()
          .filter(s -> s[0] > a.atMs() && s[0] - a.atMs() <= LEADER_CHECK_GRACE_MS).toList();
      boolean ledNearby = before.stream().anyMatch(s -> s[1] == sender) || after.stream().anyMatch(s -> s[1] == sender);
      // Only samples on both sides can contradict a delivery: with samples from one side
      // only (the sampler waits on a paused node), a leader elected in the gap is unseen.
      if (!before.isEmpty() && !after.isEmpty() && !ledNearby) {
        ids.add(a.idempotencyKey() + " from " + a.sender() + " at " + t(a.atMs()));
      }
    }
    if (!ids.isEmpty()) {
      violations.add("delivered by a node that was not the leader then: " + ids);
    }
  }

  private int indexOf(String nodeId) {
    return nodeId == null ? -1 : LocalCluster.indexOf(nodeId);
  }

  private String t(long ms) {
    return ms == Long.MAX_VALUE ? "the end" : String.format("t-%.1fs", (endMs - ms) / 1000.0);
  }
}
