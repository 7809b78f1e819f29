package dev.quorumwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.ClusterNetwork;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.cluster.RaftAdmin;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.proto.Verdict;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * How much one cluster can watch: per node CPU, RSS, probes/s achieved vs scheduled,
 * schedule lag, Raft entries and bytes written, snapshot size and time, for each target count.
 */
public final class CapacityBench {
  public record Options(int nodes, List<Integer> targetCounts, long intervalMs, long durationMs, boolean keep,
      ClusterNetwork network, boolean ratisFloor, long floorWriteEveryMs) {}

  private CapacityBench() {}

  public static BenchReport run(Options o, PrintStream progress) throws Exception {
    BenchReport report = new BenchReport("capacity");
    report.json().put("nodes", o.nodes()).put("interval_ms", o.intervalMs()).put("duration_ms", o.durationMs())
        .put("cores", Runtime.getRuntime().availableProcessors());
    report.network(o.network(), o.nodes());
    ArrayNode runs = report.json().putArray("runs");
    for (int count : o.targetCounts()) {
      progress.printf("capacity: %d targets every %d ms on %d nodes...%n", count, o.intervalMs(), o.nodes());
      runs.add(runOne(o, count, report));
    }
    if (o.ratisFloor()) {
      compareWithRatisFloor(o, runs, report, progress);
    }
    return report;
  }

  /**
   * Measures bare Ratis under the same JVM, election timeout and write rate, and says how far
   * above it each run's nodes are: what a quiet node costs that is ours, not the consensus library's.
   */
  private static void compareWithRatisFloor(Options o, ArrayNode runs, BenchReport report, PrintStream progress)
      throws Exception {
    long electionTimeoutMs = o.network().electionTimeoutMs() > 0 ? o.network().electionTimeoutMs()
        : NodeConfig.DEFAULT_ELECTION_TIMEOUT_MS;
    long writeEveryMs = o.floorWriteEveryMs();
    progress.printf("capacity: bare Ratis on %d nodes, one write every %d ms each...%n", RatisFloor.NODES, writeEveryMs);
    // The first run's age: with several target counts, the later runs' windows start at other ages.
    RatisFloor.Floor measured = RatisFloor.measure(electionTimeoutMs, writeEveryMs,
        runs.get(0).path("node_age_at_window_ms").asLong(), o.durationMs());
    List<RatisFloor.NodeFigures> floor = measured.nodes();
    double floorCpu = floor.stream().mapToDouble(RatisFloor.NodeFigures::cpuPercentOfOneCore).average().orElseThrow();
    double floorRss = floor.stream().mapToDouble(RatisFloor.NodeFigures::rssMib).average().orElseThrow();
    ObjectNode json = report.json().putObject("ratis_floor");
    json.put("election_timeout_ms", electionTimeoutMs).put("write_every_ms", writeEveryMs)
        .put("node_age_at_window_ms", measured.ageAtWindowMs())
        .put("cpu_percent_of_one_core_mean", floorCpu).put("rss_mib_mean", floorRss);
    ArrayNode nodes = json.putArray("nodes");
    for (RatisFloor.NodeFigures f : floor) {
      nodes.addObject().put("cpu_percent_of_one_core", f.cpuPercentOfOneCore()).put("rss_mib", f.rssMib())
          .put("applied", f.applied());
    }
    report.row("bare Ratis (loopback): CPU per node, mean", String.format("%.1f %% of one core", floorCpu),
        "same JVM, election timeout, one write per node every " + writeEveryMs + " ms");
    report.row("bare Ratis (loopback): RSS per node, mean", String.format("%.0f MiB", floorRss), "");
    for (JsonNode run : runs) {
      int n = run.path("nodes").size();
      double cpu = 0;
      for (JsonNode node : run.path("nodes")) {
        cpu += node.path("cpu_percent_of_one_core").asDouble() / n;
      }
      double rss = run.path("rss_mib_total").asDouble() / n;
      ((ObjectNode) run).putObject("above_ratis_floor").put("rss_mib", rss - floorRss).put("rss_ratio", rss / floorRss)
          .put("cpu_ratio", cpu / floorCpu);
      String label = run.path("targets").asInt() + " targets: ";
      report.row(label + "RSS per node above bare Ratis", String.format("+%.0f MiB (%.2fx)", rss - floorRss,
          rss / floorRss), "");
      report.row(label + "CPU per node against bare Ratis", String.format("%.2fx", cpu / floorCpu), "");
    }
  }

  private static ObjectNode runOne(Options o, int count, BenchReport report) throws Exception {
    try (BenchCluster b = new BenchCluster(o.nodes(), count, o.keep(), o.network())) {
      b.start();
      b.cluster.apply(b.monitors(count, o.intervalMs(), Math.min(5_000, o.intervalMs() * 8 / 10), 2));
      DetectBench.require(b.awaitAll(Verdict.VERDICT_UP, 4 * o.intervalMs() + 60_000), "targets never all UP");
      Thread.sleep(Math.max(5_000, o.intervalMs())); // past start-up and JIT warm-up
      LocalCluster c = b.cluster;
      int leader = c.awaitLeader(10_000);
      int n = c.size();
      long[] cpu0 = new long[n];
      double[] probes0 = new double[n];
      for (int i = 0; i < n; i++) {
        cpu0[i] = NodeSampler.cpuNanos(c.pid(i));
        probes0[i] = NodeSampler.metrics(c.httpPort(i)).getOrDefault("quorumwatch_probes_total", 0.0);
      }
      Map<String, Double> leaderMetrics0 = NodeSampler.metrics(c.httpPort(leader));
      Map<String, Double> commands0 = NodeSampler.appliedCommands(leaderMetrics0);
      double entries0 = leaderMetrics0.getOrDefault("quorumwatch_raft_applied_index", 0.0);
      long term0 = Agreement.highestTerm(c);
      double logBytes0 = leaderMetrics0.getOrDefault("quorumwatch_raft_log_bytes_applied", 0.0);
      long ageAtWindowMs = NodeSampler.ageMs(c.pid(leader));
      long t0 = System.nanoTime();
      Thread.sleep(o.durationMs());
      double seconds = (System.nanoTime() - t0) / 1e9;

      ObjectNode run = BenchReport.JSON.createObjectNode();
      run.put("targets", count).put("node_age_at_window_ms", ageAtWindowMs);
      double scheduledPerNode = count * 1000.0 / o.intervalMs();
      run.put("scheduled_probes_per_s_per_node", scheduledPerNode);
      ArrayNode perNode = run.putArray("nodes");
      double cpuTotal = 0;
      long rssMax = 0;
      long rssTotal = 0;
      double lagMax = 0;
      double probesMin = Double.MAX_VALUE;
      for (int i = 0; i < n; i++) {
        Map<String, Double> m = NodeSampler.metrics(c.httpPort(i));
        double cpuPercent = 100.0 * (NodeSampler.cpuNanos(c.pid(i)) - cpu0[i]) / 1e9 / seconds;
        long rss = NodeSampler.rssBytes(c.pid(i));
        double probesPerS = (m.getOrDefault("quorumwatch_probes_total", 0.0) - probes0[i]) / seconds;
        double lagP99 = 1000 * m.getOrDefault("quorumwatch_probe_schedule_lag_seconds{quantile=\"0.99\"}", Double.NaN);
        perNode.addObject().put("id", c.id(i)).put("cpu_percent_of_one_core", cpuPercent).put("rss_mib", rss / 1048576.0)
            .put("probes_per_s", probesPerS).put("schedule_lag_p99_ms", lagP99);
        cpuTotal += cpuPercent;
        rssMax = Math.max(rssMax, rss);
        rssTotal += rss;
        lagMax = Math.max(lagMax, lagP99);
        probesMin = Math.min(probesMin, probesPerS);
      }
      Map<String, Double> leaderMetrics = NodeSampler.metrics(c.httpPort(leader));
      ObjectNode byKind = run.putObject("raft_commands_by_kind");
      double commands = 0;
      for (Map.Entry<String, Double> kind : NodeSampler.appliedCommands(leaderMetrics).entrySet()) {
        double delta = kind.getValue() - commands0.getOrDefault(kind.getKey(), 0.0);
        commands += delta;
        if (delta > 0) {
          byKind.put(kind.getKey(), (long) delta);
        }
      }
      double commandsPerS = commands / seconds;
      // Each election starts a term: nothing fails here, so any is a leader change for nothing.
      long elections = Agreement.highestTerm(c) - term0;
      // Ratis appends a metadata entry (the commit index) after commits: the log holds more
      // entries than commands.
      double entriesPerS = (leaderMetrics.getOrDefault("quorumwatch_raft_applied_index", 0.0) - entries0) / seconds;
      // Ratis preallocates log segments, so neither the directory size nor the process's
      // storage writes show the log's growth: count the command bytes the log entries carry.
      double logBytesPerS = (leaderMetrics.getOrDefault("quorumwatch_raft_log_bytes_applied", 0.0) - logBytes0) / seconds;
      long snapStart = System.nanoTime();
      RaftAdmin.snapshot(c, leader);
      double snapshotMs = (System.nanoTime() - snapStart) / 1e6;
      long snapshotBytes = NodeSampler.largestSnapshotBytes(c.dataDir(leader));
      int cores = Runtime.getRuntime().availableProcessors();
      run.put("cpu_percent_of_machine", cpuTotal / cores).put("rss_mib_max", rssMax / 1048576.0).put("rss_mib_total", rssTotal / 1048576.0)
          .put("schedule_lag_p99_ms_max", lagMax).put("window_s", seconds).put("raft_commands", (long) commands)
          .put("raft_commands_per_s", commandsPerS).put("raft_commands_per_s_per_node", commandsPerS / n)
          .put("raft_log_entries_per_s", entriesPerS).put("elections", elections)
          .put("elections_per_hour", elections * 3600 / seconds).put("raft_log_bytes_per_s", logBytesPerS)
          .put("raft_log_mib_per_hour", logBytesPerS * 3600 / 1048576.0).put("snapshot_bytes", snapshotBytes)
          .put("snapshot_ms", snapshotMs);
      String label = count + " targets: ";
      report.row(label + "CPU, all nodes", String.format("%.1f %% of the machine (%d cores)", cpuTotal / cores, cores), "");
      report.row(label + "RSS, largest node (all nodes)", String.format("%.0f MiB (%.0f MiB)", rssMax / 1048576.0,
          rssTotal / 1048576.0), "");
      report.row(label + "CPU, all nodes, in cores", String.format("%.2f", cpuTotal / 100), "");
      report.row(label + "probes/s per node, slowest", String.format("%.0f of %.0f scheduled", probesMin, scheduledPerNode), "");
      report.row(label + "schedule lag p99, worst node", BenchReport.ms(lagMax), "");
      report.row(label + "Raft commands/s (per node)", String.format("%.2f (%.2f)", commandsPerS, commandsPerS / n), "");
      report.row(label + "Raft log entries/s (with Ratis')", String.format("%.2f", entriesPerS), "");
      report.row(label + "elections (per hour)", String.format("%d (%.0f)", elections, elections * 3600 / seconds),
          "nothing fails: goal 0");
      report.row(label + "Raft log growth (command bytes)", String.format("%.0f B/s = %.1f MiB/h", logBytesPerS, logBytesPerS * 3600 / 1048576.0), "");
      report.row(label + "snapshot", String.format("%d bytes in %.0f ms", snapshotBytes, snapshotMs), "");
      return run;
    }
  }
}
