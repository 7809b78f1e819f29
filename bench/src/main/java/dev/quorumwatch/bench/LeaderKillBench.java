package dev.quorumwatch.bench;

import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.targets.SimTargetServer;
import dev.quorumwatch.harness.targets.WebhookSink;
import dev.quorumwatch.proto.Verdict;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * SIGKILL the leader right after an outage starts (or freeze it with SIGSTOP, then let it go
 * on): how long the cluster has no leader, when the firing notification arrives, whether any
 * is lost, and whether duplicates share a key.
 */
public final class LeaderKillBench {
  static final long SETTLE_MS = 3_000;


  private LeaderKillBench() {}

  public static BenchReport run(OutageBenchOptions o, PrintStream progress) throws Exception {
    Random random = new Random(o.seed());
    List<Long> leaderless = new ArrayList<>();
    List<Long> notified = new ArrayList<>();
    List<String> pagedBy = new ArrayList<>();
    int lost = 0;
    int duplicates = 0;
    int duplicatesWithOtherKey = 0;
    try (BenchCluster b = new BenchCluster(o.nodes(), 1, o.keep(), o.network())) {
      b.start();
      b.cluster.apply(b.monitors(1, o.intervalMs(), Math.max(100, o.intervalMs() * 8 / 10), o.threshold()));
      DetectBench.require(b.awaitAll(Verdict.VERDICT_UP, DetectBench.WAIT_MS_MAX), "target never became UP");
      for (int i = 0; i < o.incidents(); i++) {
        int leader = b.cluster.awaitLeader(60_000);
        Thread.sleep(random.nextLong(o.intervalMs()));
        long downAt = System.currentTimeMillis();
        b.targets.set(0, SimTargetServer.State.DOWN);
        boolean freeze = o.freezeMs() > 0;
        if (freeze) {
          b.cluster.pause(leader);
        } else {
          b.cluster.kill(leader);
        }
        long killedAt = System.currentTimeMillis();
        int next;
        while ((next = Agreement.leaderWithout(b.cluster, freeze ? leader : -1)) < 0 || next == leader) {
          Thread.sleep(10);
        }
        leaderless.add(System.currentTimeMillis() - killedAt);
        long firingAt;
        try {
          WebhookSink.Arrival firing = DetectBench.firstArrival(b, downAt, "firing");
          firingAt = firing.atMs();
          notified.add(firingAt - downAt);
          pagedBy.add(firing.sender());
        } catch (IllegalStateException e) {
          lost++;
          firingAt = -1;
        }
        Thread.sleep(SETTLE_MS); // time for a duplicate from a resend to arrive
        List<WebhookSink.Arrival> firings = b.sink.since(downAt, "bench-0", "firing");
        if (firings.size() > 1) {
          duplicates += firings.size() - 1;
          duplicatesWithOtherKey += (int) firings.stream().map(WebhookSink.Arrival::idempotencyKey).distinct().count() - 1;
        }
        if (freeze) {
          Thread.sleep(Math.max(0, killedAt + o.freezeMs() - System.currentTimeMillis()));
          b.cluster.resume(leader);
        } else {
          b.cluster.start(leader);
        }
        long upAt = System.currentTimeMillis();
        b.targets.set(0, SimTargetServer.State.UP);
        DetectBench.awaitArrival(b, upAt, "resolved");
        DetectBench.require(b.awaitAll(Verdict.VERDICT_UP, DetectBench.WAIT_MS_MAX), "target did not return to UP");
        b.cluster.awaitAllFresh(DetectBench.WAIT_MS_MAX);
        progress.printf("incident %d/%d: %s %s, %d ms without a leader (then %s), firing after %s ms, %d firing webhooks%n",
            i + 1, o.incidents(), freeze ? "froze" : "killed", b.cluster.id(leader), leaderless.get(i), b.cluster.id(next),
            firingAt < 0 ? "never" : Long.toString(firingAt - downAt), firings.size());
      }
    }
    Stats gap = Stats.of(leaderless);
    Stats notify = Stats.of(notified);
    double floorMax = (double) o.threshold() * o.intervalMs();
    BenchReport report = new BenchReport("leader-kill");
    report.json().put("nodes", o.nodes()).put("freeze_ms", o.freezeMs()).put("interval_ms", o.intervalMs()).put("threshold", o.threshold())
        .put("seed", o.seed()).put("incidents", o.incidents());
    report.json().set("leaderless_ms", BenchReport.stats(gap));
    report.json().set("notified_after_outage_ms", BenchReport.stats(notify));
    report.json().putPOJO("notified_senders", pagedBy);
    report.json().put("lost", lost).put("duplicates", duplicates).put("duplicates_with_another_key", duplicatesWithOtherKey);
    report.row("time without a leader median / max", BenchReport.ms(gap.median()) + " / " + BenchReport.ms(gap.max()), "");
    report.row("firing after outage start median / max", BenchReport.ms(notify.median()) + " / " + BenchReport.ms(notify.max()),
        "goal: max <= floor max + 2 s = " + BenchReport.ms(floorMax + 2000));
    report.row("firing median by sender", DetectBench.byLeader(notified, pagedBy),
        "a far leader's commit waits for its second-nearest region");
    report.row("lost notifications", Integer.toString(lost), "goal: 0");
    report.row("duplicates (with another key)", duplicates + " (" + duplicatesWithOtherKey + ")", "goal: any duplicate has the same key");
    report.network(o.network(), o.nodes());
    return report;
  }
}
