package dev.quorumwatch.bench.chaos;

import dev.quorumwatch.bench.ResourceTimeline;
import dev.quorumwatch.harness.cluster.ClusterNetwork;
import dev.quorumwatch.harness.faults.ChaosLog;
import dev.quorumwatch.harness.faults.FaultyCluster;
import dev.quorumwatch.harness.faults.Intervals.Span;
import dev.quorumwatch.harness.faults.Intervals;
import dev.quorumwatch.harness.faults.Judgement;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * Random faults drawn from a seed, against a real cluster: outages seen by all, a quorum or a
 * minority of regions; isolated nodes, partitions, one-way cuts and slow links; killed and
 * paused nodes; a failing receiver. At the end everything heals and the checker judges the
 * run. The same seed draws the same faults in the same order.
 */
public final class ChaosRun {
  public record Options(long seed, long durationMs, int nodes, int targets, boolean keep, ClusterNetwork network) {}

  /**
   * The outcome: violations (empty when every promise held), and what happened.
   *
   * @param dir the run's directory: node data, logs and, when kept, its chaos record; gone unless kept
   */
  public record Result(long seed, Path dir, List<String> violations, int besideStalls, List<Span> stalls, List<String> events,
      int deliveries,
      int leaderChanges, int duplicates, long longestLeaderlessMs, Span longestLeaderlessWithMajority,
      double longestLeaderlessWithMajorityFromS, List<ResourceTimeline.Sample> resources, int warmUpIncidents) {}

  private record Undo(long atMs, String kind, Runnable action) {}

  private ChaosRun() {}

  public static Result run(Options o, PrintStream progress) throws Exception {
    Random random = new Random(o.seed());
    Path dir = Files.createTempDirectory("quorumwatch-chaos-");
    if (o.keep()) {
      progress.println("chaos seed " + o.seed() + ": node data and logs kept in " + dir);
    }
    try (FaultyCluster c = new FaultyCluster(dir, !o.keep(), o.nodes(), o.targets(), o.network())) {
      c.start();
      if (c.warmUpIncidents() > 0) {
        progress.printf("chaos seed %d: %d incidents while the cold cluster first probed the targets, before the run"
            + " (not judged)%n", o.seed(), c.warmUpIncidents());
      }
      ResourceTimeline resources = new ResourceTimeline(c.cluster(), ResourceTimeline.periodFor(o.durationMs()));
      long end = System.currentTimeMillis() + o.durationMs();
      PriorityQueue<Undo> undo = new PriorityQueue<>((a, b) -> Long.compare(a.atMs(), b.atMs()));
      Set<String> active = new HashSet<>();
      while (System.currentTimeMillis() < end) {
        long now = System.currentTimeMillis();
        while (!undo.isEmpty() && undo.peek().atMs() <= now) {
          Undo u = undo.poll();
          u.action().run();
          active.remove(u.kind());
        }
        inject(c, random, now, undo, active);
        Thread.sleep(1_000 + random.nextInt(2_000));
      }
      while (!undo.isEmpty()) {
        undo.poll().action().run();
      }
      Judgement judgement = c.healDrainAndCheck(120_000);
      resources.close();
      int arrivals = c.sink().arrivals().size();
      int duplicates = arrivals - (int) c.sink().arrivals().stream().map(a -> a.idempotencyKey() + "|" + a.incidentId())
          .distinct().count();
      long leaderless = longestLeaderlessMs(c.log().leaderSamples());
      Span leaderlessWithMajority = longestLeaderlessWithMajority(c.log().leaderSamples(), c.log(), c.quorum());
      progress.printf("chaos seed %d: %d events, %d deliveries, %d leader changes, %d violations%n", o.seed(),
          c.log().events().size(), arrivals, judgement.leaderChanges(), judgement.violations().size());
      return new Result(o.seed(), dir, judgement.violations(), judgement.besideStalls(), c.log().stalls(), c.log().events(),
          arrivals, judgement.leaderChanges(), duplicates, leaderless,
          leaderlessWithMajority, c.log().secondsIn(leaderlessWithMajority.startMs()), resources.samples(), c.warmUpIncidents());
    }
  }

  /**
   * The longest time between two samples that saw an agreed leader: an upper bound on the
   * longest stretch without one, by up to a sample's period (200 ms, plus up to 500 ms while
   * a paused node lets its part of the sample run into its deadline).
   */
  static long longestLeaderlessMs(List<long[]> samples) {
    long longest = 0;
    for (int i = 1; i < samples.size(); i++) {
      longest = Math.max(longest, samples.get(i)[0] - samples.get(i - 1)[0]);
    }
    return longest;
  }

  /**
   * The longest stretch without an agreed leader while a majority of the nodes could elect
   * one (running, not paused, reaching a majority): the figure Raft answers for. While the
   * faults leave no such majority, having no leader is what Raft promises, so that time does
   * not count; the count restarts when a majority is back.
   */
  static Span longestLeaderlessWithMajority(List<long[]> samples, ChaosLog log, int quorum) {
    List<List<Span>> ablePerNode = new ArrayList<>();
    for (int n = 0; n < log.nodes(); n++) {
      ablePerNode.add(Intervals.complement(log.unableSpans(n), 0, Long.MAX_VALUE));
    }
    List<Span> majorityAble = Intervals.atLeast(ablePerNode, quorum);
    Span longest = new Span(0, 0);
    for (int i = 1; i < samples.size(); i++) {
      Span gap = new Span(samples.get(i - 1)[0], samples.get(i)[0]);
      for (Span s : Intervals.intersect(List.of(gap), majorityAble)) {
        if (s.length() > longest.length()) {
          longest = s;
        }
      }
    }
    return longest;
  }

  private static void inject(FaultyCluster c, Random random, long now, PriorityQueue<Undo> undo, Set<String> active)
      throws Exception {
    int n = c.size();
    switch (random.nextInt(4)) {
      case 0 -> {
        int t = random.nextInt(Math.max(1, targetCount(c)));
        String kind = "target-" + t;
        if (active.add(kind)) {
          int seeing = switch (random.nextInt(3)) {
            case 0 -> n;
            case 1 -> c.quorum();
            default -> c.quorum() - 1;
          };
          List<Integer> nodes = new ArrayList<>(c.allNodes());
          Collections.shuffle(nodes, random);
          c.targetDownFor(t, new HashSet<>(nodes.subList(0, Math.max(1, seeing))));
          undo.add(new Undo(now + 3_000 + random.nextInt(9_000), kind, () -> c.targetDownFor(t, Set.of())));
        }
      }
      case 1 -> {
        if (active.add("network")) {
          int a = random.nextInt(n);
          int b = (a + 1 + random.nextInt(n - 1)) % n;
          switch (random.nextInt(5)) {
            case 0 -> c.isolate(a);
            case 1 -> c.isolate(c.leader());
            case 2 -> c.cutOneWay(a, b);
            case 3 -> c.partition(a, b); // with 5 nodes a real two-node minority; with 3, the third node alone
            default -> c.latency(a, b, 50 + random.nextInt(250));
          }
          undo.add(new Undo(now + 3_000 + random.nextInt(7_000), "network", c::healNetwork));
        }
      }
      case 2 -> {
        if (active.add("process")) {
          int victim = random.nextBoolean() ? c.leader() : random.nextInt(n);
          if (random.nextBoolean()) {
            c.kill(victim);
            undo.add(new Undo(now + 3_000 + random.nextInt(5_000), "process", () -> unchecked(() -> c.restart(victim))));
          } else {
            c.pause(victim);
            undo.add(new Undo(now + 2_000 + random.nextInt(8_000), "process", () -> unchecked(() -> c.resume(victim))));
          }
        }
      }
      default -> {
        if (active.add("receiver")) {
          c.receiverFails(500);
          undo.add(new Undo(now + 5_000 + random.nextInt(15_000), "receiver", c::receiverRecovers));
        }
      }
    }
  }

  private static int targetCount(FaultyCluster c) {
    return c.log().targets().size();
  }

  private interface Action {
    void run() throws Exception;
  }

  private static void unchecked(Action a) {
    try {
      a.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
