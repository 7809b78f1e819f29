package dev.quorumwatch.bench;

import dev.quorumwatch.harness.targets.SimTargetServer;
import dev.quorumwatch.harness.targets.WebhookSink;
import dev.quorumwatch.proto.Verdict;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Time from a target going down to the firing webhook, and from it coming back to the
 * resolved one. Each outage starts at a random phase of the probe schedule, so the floor is
 * {@code (threshold - 1) x interval + U[0, interval)} plus one Raft commit and one POST.
 */
public final class DetectBench {
  static final long WAIT_MS_MAX = 60_000;


  private DetectBench() {}

  public static BenchReport run(OutageBenchOptions o, PrintStream progress) throws Exception {
    Random random = new Random(o.seed());
    List<Long> detect = new ArrayList<>();
    List<Long> resolve = new ArrayList<>();
    List<String> senders = new ArrayList<>();
    try (BenchCluster b = new BenchCluster(o.nodes(), 1, o.keep(), o.network())) {
      b.start();
      b.cluster.apply(b.monitors(1, o.intervalMs(), Math.max(100, o.intervalMs() * 8 / 10), o.threshold()));
      require(b.awaitAll(Verdict.VERDICT_UP, WAIT_MS_MAX), "target never became UP");
      for (int i = 0; i < o.incidents(); i++) {
        Thread.sleep(random.nextLong(o.intervalMs()));
        long downAt = System.currentTimeMillis();
        b.targets.set(0, SimTargetServer.State.DOWN);
        WebhookSink.Arrival firing = firstArrival(b, downAt, "firing");
        detect.add(firing.atMs() - downAt);
        senders.add(firing.sender());
        Thread.sleep(random.nextLong(o.intervalMs()));
        long upAt = System.currentTimeMillis();
        b.targets.set(0, SimTargetServer.State.UP);
        resolve.add(awaitArrival(b, upAt, "resolved") - upAt);
        require(b.awaitAll(Verdict.VERDICT_UP, WAIT_MS_MAX), "target did not return to UP");
        progress.printf("incident %d/%d: firing after %d ms (sent by %s, the leader), resolved after %d ms%n", i + 1,
            o.incidents(), detect.get(i), firing.sender(), resolve.get(i));
      }
    }
    Stats d = Stats.of(detect);
    Stats r = Stats.of(resolve);
    double floorMedian = (o.threshold() - 0.5) * o.intervalMs();
    double floorP95 = (o.threshold() - 1 + 0.95) * o.intervalMs();
    double floorMax = (double) o.threshold() * o.intervalMs();
    BenchReport report = new BenchReport("detect");
    report.json().put("nodes", o.nodes()).put("interval_ms", o.intervalMs()).put("threshold", o.threshold())
        .put("seed", o.seed());
    report.json().set("detect_ms", BenchReport.stats(d));
    report.json().set("resolve_ms", BenchReport.stats(r));
    report.json().putObject("floor_ms").put("median", floorMedian).put("p95", floorP95).put("max", floorMax);
    report.json().put("detect_median_over_floor", d.median() / floorMedian);
    report.json().putPOJO("detect_samples_ms", detect);
    report.json().putPOJO("resolve_samples_ms", resolve);
    report.json().putPOJO("detect_senders", senders);
    String floor = "floor " + BenchReport.ms(floorMedian) + " / " + BenchReport.ms(floorP95) + " / " + BenchReport.ms(floorMax);
    report.row("detect median / p95 / max", BenchReport.ms(d.median()) + " / " + BenchReport.ms(d.p95()) + " / "
        + BenchReport.ms(d.max()), floor);
    report.row("resolve median / p95 / max", BenchReport.ms(r.median()) + " / " + BenchReport.ms(r.p95()) + " / "
        + BenchReport.ms(r.max()), floor);
    report.row("detect median / floor median", String.format("%.2f", d.median() / floorMedian), "1.00 = no overhead");
    report.row("detect median by leader", byLeader(detect, senders), "where the leader is decides the commit's round trip");
    report.row("incidents", Integer.toString(detect.size()), o.nodes() + " nodes, interval " + o.intervalMs()
        + " ms, threshold " + o.threshold());
    report.network(o.network(), o.nodes());
    return report;
  }

  /** Median detection per node that led (sent the page), with the count: {@code us-east 1,540 ms (6), ...}. */
  static String byLeader(List<Long> detect, List<String> senders) {
    Map<String, List<Long>> grouped = new TreeMap<>();
    for (int i = 0; i < detect.size(); i++) {
      grouped.computeIfAbsent(String.valueOf(senders.get(i)), k -> new ArrayList<>()).add(detect.get(i));
    }
    List<String> parts = new ArrayList<>();
    grouped.forEach((leader, times) ->
        parts.add(leader + " " + BenchReport.ms(Stats.of(times).median()) + " (" + times.size() + ")"));
    return String.join(", ", parts);
  }

  static long awaitArrival(BenchCluster b, long sinceMs, String status) throws InterruptedException {
    return firstArrival(b, sinceMs, status).atMs();
  }

  /** The first notification of {@code status} since {@code sinceMs}: when it came, and which node (the leader) sent it. */
  static WebhookSink.Arrival firstArrival(BenchCluster b, long sinceMs, String status) throws InterruptedException {
    long deadline = sinceMs + WAIT_MS_MAX;
    while (System.currentTimeMillis() < deadline) {
      List<WebhookSink.Arrival> got = b.sink.since(sinceMs, "bench-0", status);
      if (!got.isEmpty()) {
        return got.get(0);
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no " + status + " webhook within " + WAIT_MS_MAX + " ms; logs in " + b.cluster.dir());
  }

  static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException(what);
    }
  }
}
