package dev.quorumwatch.bench;

import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.ClusterNetwork;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops the leader, alternately with SIGTERM (the node hands leadership over first) and with
 * SIGKILL (the baseline: the others elect after their election timeout), and measures how
 * long the surviving nodes go without agreeing on a new leader.
 */
public final class LeaderStopBench {
  static final long NEW_LEADER_WAIT_MS = 30_000;

  private LeaderStopBench() {}

  public static BenchReport run(int nodes, int rounds, boolean keep, ClusterNetwork network, PrintStream progress) throws Exception {
    List<Long> graceful = new ArrayList<>();
    List<Long> killed = new ArrayList<>();
    try (BenchCluster b = new BenchCluster(nodes, 1, keep, network)) {
      b.start();
      for (int i = 0; i < 2 * rounds; i++) {
        boolean term = i % 2 == 0;
        b.cluster.awaitAllFresh(NEW_LEADER_WAIT_MS);
        int leader = b.cluster.awaitLeader(NEW_LEADER_WAIT_MS);
        long stoppedAt = System.currentTimeMillis();
        if (term) {
          b.cluster.terminate(leader);
        } else {
          b.cluster.kill(leader);
        }
        long gap = Agreement.awaitNewLeader(b.cluster, leader, NEW_LEADER_WAIT_MS) - stoppedAt;
        (term ? graceful : killed).add(gap);
        b.cluster.stop(leader);
        b.cluster.start(leader);
        progress.printf("round %d/%d: %s %s, %d ms until the others agreed on a new leader%n", i / 2 + 1, rounds,
            term ? "SIGTERM" : "SIGKILL", b.cluster.id(leader), gap);
      }
    }
    Stats term = Stats.of(graceful);
    Stats kill = Stats.of(killed);
    BenchReport report = new BenchReport("leader-stop");
    report.json().put("nodes", nodes).put("rounds", rounds);
    report.network(network, nodes);
    report.json().set("sigterm_handover_ms", BenchReport.stats(term));
    report.json().set("sigkill_election_ms", BenchReport.stats(kill));
    report.json().put("ratio_median", term.median() / kill.median());
    report.row("SIGTERM (handover) median / max", BenchReport.ms(term.median()) + " / " + BenchReport.ms(term.max()), "");
    report.row("SIGKILL (election) median / max", BenchReport.ms(kill.median()) + " / " + BenchReport.ms(kill.max()),
        "baseline");
    report.row("ratio of medians", String.format("%.2f", term.median() / kill.median()), "goal: < 1");
    return report;
  }
}
