package dev.quorumwatch.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import dev.quorumwatch.harness.targets.SimTargetServer;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.probe.ProbeEngine;
import dev.quorumwatch.node.probe.Prober;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.TargetSpec;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The probe engine alone, in this process, against a loopback HTTP server: how many probes
 * per second it completes with a fixed number in flight, and per CPU-second of the process.
 * The baseline, run the same way in the same process and rounds, is the JDK's own
 * asynchronous HttpClient. Medians over rounds; the server's CPU is in both figures alike.
 */
public final class ProbeBench {
  public record Options(int targets, int inFlight, long durationMs, int rounds) {}

  private record Round(double probesPerS, double probesPerCpuS, long failures) {}

  private ProbeBench() {}

  public static BenchReport run(Options o, PrintStream progress) throws Exception {
    BenchReport report = new BenchReport("probes");
    try (SimTargetServer server = new SimTargetServer(o.targets(), 0);
        ProbeEngine engine = new ProbeEngine(1, "quorumwatch/bench", DeniedNetworks.NONE)) {
      List<TargetSpec> targets = new ArrayList<>();
      for (int i = 0; i < o.targets(); i++) {
        targets.add(TargetSpec.newBuilder().setId("t" + i).setTimeoutMs(5000).setIntervalMs(10_000)
            .setHttp(HttpProbe.newBuilder().setUrl(server.url(i)).addExpectStatus(200)).build());
      }
      HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      Prober http = engine.http();
      Function<TargetSpec, CompletableFuture<Boolean>> quorumwatch = t -> http.probe(t).thenApply(r -> r.ok());
      Function<TargetSpec, CompletableFuture<Boolean>> baseline = t -> jdk.sendAsync(
          HttpRequest.newBuilder(URI.create(t.getHttp().getUrl())).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).handle((r, e) -> e == null && r.statusCode() == 200);
      // Warm-up: JIT and connection pools of both, before anything is counted.
      measure(targets, quorumwatch, o.inFlight(), Math.min(2000, o.durationMs()));
      measure(targets, baseline, o.inFlight(), Math.min(2000, o.durationMs()));
      List<Round> ours = new ArrayList<>();
      List<Round> theirs = new ArrayList<>();
      for (int round = 1; round <= o.rounds(); round++) {
        ours.add(measure(targets, quorumwatch, o.inFlight(), o.durationMs()));
        theirs.add(measure(targets, baseline, o.inFlight(), o.durationMs()));
        progress.printf("round %d: quorumwatch %.0f probes/s, jdk HttpClient %.0f requests/s%n", round,
            ours.get(ours.size() - 1).probesPerS(), theirs.get(theirs.size() - 1).probesPerS());
      }
      double ourRate = median(ours.stream().map(Round::probesPerS).toList());
      double theirRate = median(theirs.stream().map(Round::probesPerS).toList());
      double ourPerCpu = median(ours.stream().map(Round::probesPerCpuS).toList());
      double theirPerCpu = median(theirs.stream().map(Round::probesPerCpuS).toList());
      long failures = ours.stream().mapToLong(Round::failures).sum();
      ObjectNode json = report.json();
      json.put("targets", o.targets());
      json.put("in_flight", o.inFlight());
      json.put("rounds", o.rounds());
      json.put("round_ms", o.durationMs());
      json.put("probes_per_s", ourRate);
      json.put("probes_per_cpu_s", ourPerCpu);
      json.put("baseline_requests_per_s", theirRate);
      json.put("baseline_requests_per_cpu_s", theirPerCpu);
      json.put("ratio_per_s", ourRate / theirRate);
      json.put("ratio_per_cpu_s", ourPerCpu / theirPerCpu);
      json.put("failed_probes", failures);
      report.row("probes/s (median of " + o.rounds() + ")", String.format("%.0f", ourRate),
          String.format("JDK HttpClient %.0f/s, ratio %.2f", theirRate, ourRate / theirRate));
      report.row("probes per CPU-second", String.format("%.0f", ourPerCpu),
          String.format("JDK HttpClient %.0f, ratio %.2f", theirPerCpu, ourPerCpu / theirPerCpu));
      report.row("failed probes", Long.toString(failures), "0 expected");
    }
    return report;
  }

  /** Keeps {@code inFlight} calls running for {@code durationMs}; each completion starts the next. */
  private static Round measure(List<TargetSpec> targets, Function<TargetSpec, CompletableFuture<Boolean>> call,
      int inFlight, long durationMs) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong next = new AtomicLong();
    long end = System.nanoTime() + durationMs * 1_000_000;
    CountDownLatch stopped = new CountDownLatch(inFlight);
    long cpuBefore = processCpuNs();
    long start = System.nanoTime();
    for (int i = 0; i < inFlight; i++) {
      loop(targets, call, next, done, failed, end, stopped);
    }
    stopped.await(durationMs + 10_000, TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = Math.max(1e-9, (processCpuNs() - cpuBefore) / 1e9);
    return new Round(done.get() / seconds, done.get() / cpuSeconds, failed.get());
  }

  private static void loop(List<TargetSpec> targets, Function<TargetSpec, CompletableFuture<Boolean>> call,
      AtomicLong next, AtomicLong done, AtomicLong failed, long end, CountDownLatch stopped) {
    if (System.nanoTime() >= end) {
      stopped.countDown();
      return;
    }
    TargetSpec target = targets.get((int) (next.getAndIncrement() % targets.size()));
    call.apply(target).whenComplete((ok, error) -> {
      done.incrementAndGet();
      if (error != null || !Boolean.TRUE.equals(ok)) {
        failed.incrementAndGet();
      }
      loop(targets, call, next, done, failed, end, stopped);
    });
  }

  private static long processCpuNs() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double median(List<Double> values) {
    return Stats.of(values).median();
  }
}
