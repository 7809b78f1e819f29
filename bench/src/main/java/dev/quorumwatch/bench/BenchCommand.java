package dev.quorumwatch.bench;

import dev.quorumwatch.bench.chaos.ChaosRun;
import dev.quorumwatch.harness.cluster.ClusterNetwork;
import dev.quorumwatch.harness.faults.ChaosChecker;
import dev.quorumwatch.harness.faults.ChaosRecord;
import dev.quorumwatch.harness.faults.Intervals.Span;
import dev.quorumwatch.harness.faults.MachineStalls;
import dev.quorumwatch.node.cli.CliException;
import dev.quorumwatch.node.cli.Main;
import dev.quorumwatch.node.config.Durations;
import dev.quorumwatch.node.config.NodeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "quorumwatch bench", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "Measure QuorumWatch on real node processes on loopback, with simulated targets and a timestamping"
        + " webhook sink. Everything it starts, it stops. Progress goes to stderr, figures to stdout.",
    subcommands = {BenchCommand.Detect.class, BenchCommand.LeaderKill.class, BenchCommand.LeaderStop.class,
        BenchCommand.Capacity.class,
        BenchCommand.Chaos.class, BenchCommand.Probes.class})
public final class BenchCommand implements Runnable {
  /** {@code bin/quorumwatch bench ...} runs this jar's main with the arguments after {@code bench}. */
  public static void main(String[] args) {
    System.exit(Main.execute(new BenchCommand(), args));
  }

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options every scenario takes. */
  static final class Common {
    @Option(names = "--nodes", defaultValue = "3", description = "Node processes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    boolean json;

    @Option(names = "--keep", description = "Keep the cluster's directory (configs, data, logs) for inspection.")
    boolean keep;
  }

  /** Probe timing and seed of the outage benchmarks. */
  static final class OutageTiming {
    @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
        description = "Probe interval (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--threshold", defaultValue = "2", description = "failure_threshold and recovery_threshold (default: ${DEFAULT-VALUE}).")
    int threshold;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the outage phases (default: ${DEFAULT-VALUE}).")
    long seed;

    OutageBenchOptions options(Common common, Network network, int incidents) {
      return options(common, network, incidents, 0);
    }

    OutageBenchOptions options(Common common, Network network, int incidents, long freezeMs) {
      return new OutageBenchOptions(common.nodes, incidents, intervalMs, threshold, seed, common.keep, freezeMs,
          network.of(common));
    }
  }

  /** The network between the nodes: a wide-area profile, the election timeout and the report heartbeat. */
  static final class Network {
    @Option(names = "--wan", defaultValue = "loopback", description = "Delay, jitter and loss on the links between"
        + " the nodes: a profile (regional, continental, global; global needs 4 nodes) or links such as"
        + " us-west:us-east=35ms~5ms,us-west:eu-west=75ms~10ms,loss=0.5%% (a:b both ways, a>b one way)."
        + " Probes and webhooks keep their loopback paths (default: ${DEFAULT-VALUE}).")
    String wan;

    @Option(names = "--election-timeout", defaultValue = "0s", converter = OffOrDurationConverter.class,
        description = "cluster.election_timeout of every node (default: the node's own default).")
    long electionTimeoutMs;

    @Option(names = "--heartbeat-interval", defaultValue = "0s", converter = OffOrDurationConverter.class,
        description = "cluster.heartbeat_interval of every node: how often a quiet node writes its report"
            + " (stale_after follows at three times it; default: the node's own default, 1s).")
    long heartbeatIntervalMs;

    ClusterNetwork of(Common common) {
      ClusterNetwork network = new ClusterNetwork(wan, electionTimeoutMs, heartbeatIntervalMs);
      try {
        network.profile(common.nodes);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      return network;
    }
  }

  /** Like {@link DurationConverter}, but 0 (off, or the node's default) is allowed. */
  static final class OffOrDurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      long ms = Durations.parseMs(value);
      if (ms < 0) {
        throw new IllegalArgumentException("expected a duration such as 150ms or 1s (0s: none), got '" + value + "'");
      }
      return ms;
    }
  }

  static final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      long ms = Durations.parseMs(value);
      if (ms <= 0) {
        throw new IllegalArgumentException("expected a duration such as 500ms, 10s or 2m, got '" + value + "'");
      }
      return ms;
    }
  }

  static void print(BenchReport report, boolean json) {
    report.print(System.out, json);
  }

  static PrintStream progress() {
    return System.err;
  }

  @Command(name = "detect", mixinStandardHelpOptions = true,
      description = "Time from a target going down (at a random phase of the probe schedule) to the firing webhook,"
          + " and from recovery to the resolved one, beside the floor.")
  static final class Detect implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--incidents", defaultValue = "20", description = "Outages to measure (default: ${DEFAULT-VALUE}).")
    int incidents;

    @Mixin
    OutageTiming timing;

    @Mixin
    Network network;

    @Override
    public Integer call() throws Exception {
      print(DetectBench.run(timing.options(common, network, incidents), progress()), common.json);
      return 0;
    }
  }

  @Command(name = "leader-kill", mixinStandardHelpOptions = true,
      description = "SIGKILL the leader right after an outage starts (or, with --freeze, SIGSTOP it for that long,"
          + " as a long GC pause or a stalled VM would): time without a leader, time to the page, lost notifications"
          + " and duplicates.")
  static final class LeaderKill implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--incidents", defaultValue = "10", description = "Outages (each with a leader kill) (default: ${DEFAULT-VALUE}).")
    int incidents;

    @Option(names = "--freeze", defaultValue = "0s", converter = OffOrDurationConverter.class,
        description = "Freeze the leader (SIGSTOP) this long instead of killing it, e.g. 10s (default: kill).")
    long freezeMs;

    @Mixin
    OutageTiming timing;

    @Mixin
    Network network;

    @Override
    public Integer call() throws Exception {
      print(LeaderKillBench.run(timing.options(common, network, incidents, freezeMs), progress()), common.json);
      return 0;
    }
  }

  @Command(name = "leader-stop", mixinStandardHelpOptions = true,
      description = "Stop the leader, alternately with SIGTERM (it hands leadership over first) and SIGKILL (the"
          + " baseline), and measure how long the others take to agree on a new leader.")
  static final class LeaderStop implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--rounds", defaultValue = "5", description = "Stops of each kind (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Mixin
    Network network;

    @Override
    public Integer call() throws Exception {
      print(LeaderStopBench.run(common.nodes, rounds, common.keep, network.of(common), progress()), common.json);
      return 0;
    }
  }

  @Command(name = "chaos", mixinStandardHelpOptions = true,
      description = "Random faults drawn from the seed (outages, partitions, one-way cuts, slow links, killed and paused"
          + " nodes, a failing receiver) against a real cluster; at the end everything heals and a checker judges what"
          + " the receiver got. Exit code 1 and the seed on any violation.")
  static final class Chaos implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the faults (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--duration", defaultValue = "120s", converter = DurationConverter.class,
        description = "How long to inject faults, before healing and checking (default: ${DEFAULT-VALUE}).")
    long durationMs;

    @Option(names = "--targets", defaultValue = "2", description = "Targets under test (default: ${DEFAULT-VALUE}).")
    int targets;

    @Mixin
    Network network;

    @Option(names = "--judge", paramLabel = "FILE", description = "Run nothing: judge a finished run again from the "
        + ChaosRecord.FILE + " in its kept directory (--keep), with this version's checker.")
    Path judge;

    @Override
    public Integer call() throws Exception {
      if (judge != null) {
        return judgeAgain(judge);
      }
      ChaosRun.Result r = ChaosRun.run(new ChaosRun.Options(seed, durationMs, common.nodes, targets, common.keep,
          network.of(common)), progress());
      if (common.json) {
        System.out.println(BenchReport.JSON.createObjectNode()
            .put("scenario", "chaos").put("seed", r.seed()).put("deliveries", r.deliveries())
            .put("leader_changes", r.leaderChanges()).put("duplicates", r.duplicates())
            .put("longest_leaderless_ms", r.longestLeaderlessMs()).put("warm_up_incidents", r.warmUpIncidents())
            .put("longest_leaderless_with_majority_ms", r.longestLeaderlessWithMajority().length())
            .putPOJO("violations", r.violations()).put("violations_beside_machine_stalls", r.besideStalls())
            .put("machine_stalls", r.stalls().size())
            .putPOJO("events", r.events())
            .putPOJO("resources", r.resources()).toPrettyString());
      } else {
        r.events().forEach(System.out::println);
        ResourceTimeline.table(r.resources(), common.nodes).forEach(System.out::println);
        System.out.printf("seed %d: %d deliveries (%d duplicates), %d leader changes, longest without a leader %d ms"
            + " (%d ms from %.1fs while a majority could elect one), %d violations (%d beside a machine stall)%n",
            r.seed(), r.deliveries(), r.duplicates(), r.leaderChanges(), r.longestLeaderlessMs(),
            r.longestLeaderlessWithMajority().length(), r.longestLeaderlessWithMajorityFromS(), r.violations().size(),
            r.besideStalls());
        System.out.printf("machine stalls (the harness woke %d ms or more late): %d, longest %d ms%n",
            MachineStalls.STALL_MS, r.stalls().size(), r.stalls().stream().mapToLong(Span::length).max().orElse(0));
        r.violations().forEach(v -> System.out.println("VIOLATION: " + v));
      }
      if (!r.violations().isEmpty()) {
        System.err.println("quorumwatch: chaos run failed; replay with: bench chaos --seed " + seed + " --duration "
            + durationMs + "ms --nodes " + common.nodes);
        return 1;
      }
      return 0;
    }

    private static int judgeAgain(Path file) {
      ChaosRecord record;
      ChaosChecker checker;
      try {
        record = ChaosRecord.read(file);
        checker = record.checker();
      } catch (IOException | IllegalArgumentException e) { // unreadable, or an entry this version does not know
        throw new CliException("bench chaos --judge " + file + ": not a readable chaos record ("
            + Objects.toString(e.getMessage(), e.getClass().getSimpleName()).lines().findFirst().orElse("") + ")");
      }
      List<String> violations = checker.check(record.leaderChanges());
      System.out.printf("%s: %d pages delivered, %d leader changes, %d violations%n", file, record.arrivals().size(),
          record.leaderChanges(), violations.size());
      violations.forEach(v -> System.out.println("VIOLATION: " + v));
      return violations.isEmpty() ? 0 : 1;
    }
  }

  @Command(name = "probes", mixinStandardHelpOptions = true,
      description = "The probe engine alone, in this process, against a loopback HTTP server: probes/s with a fixed"
          + " number in flight, and per CPU-second, beside the JDK's HttpClient doing the same requests.")
  static final class Probes implements Callable<Integer> {
    @Option(names = "--targets", defaultValue = "1000", description = "Distinct URLs probed in turn (default: ${DEFAULT-VALUE}).")
    int targets;

    @Option(names = "--in-flight", defaultValue = "256", description = "Probes kept in flight (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--duration", defaultValue = "5s", converter = DurationConverter.class,
        description = "Length of each round (default: ${DEFAULT-VALUE}).")
    long durationMs;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds of each engine; figures are medians (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      print(ProbeBench.run(new ProbeBench.Options(targets, inFlight, durationMs, rounds), progress()), json);
      return 0;
    }
  }

  @Command(name = "capacity", mixinStandardHelpOptions = true,
      description = "Watch many targets and measure per node CPU, RSS, probes/s, schedule lag, Raft write rate and"
          + " log growth, leader changes, snapshot size and time; one fresh cluster per target count.")
  static final class Capacity implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--targets", defaultValue = "1000,5000,10000", split = ",",
        description = "Target counts to measure (default: ${DEFAULT-VALUE}).")
    Integer[] targets;

    @Option(names = "--interval", defaultValue = "10s", converter = DurationConverter.class,
        description = "Probe interval of every target (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
        description = "Measurement window per target count, after warm-up (default: ${DEFAULT-VALUE}).")
    long durationMs;

    @Mixin
    Network network;

    @Option(names = "--ratis-floor", description = "Also measure the floor under these figures: three bare Ratis"
        + " servers on loopback in the node JVM, with the node's election timeout, each writing one command a second"
        + " as a quiet node writes its heartbeat; prints how far above it each run's nodes are.")
    boolean ratisFloor;

    @Option(names = "--floor-write-every", converter = DurationConverter.class,
        description = "With --ratis-floor: how often each bare server writes (default: the nodes' heartbeat"
            + " interval, 1s unless --heartbeat-interval). A long one, such as 1h, leaves Ratis' own heartbeats alone: what the consensus library costs"
            + " before anything is written.")
    Long floorWriteEveryMs;

    @Option(names = "--simulate-year", description = "Instead of a cluster: a year of state in this process, through"
        + " the coordinator alone (outages, notifications, heartbeat pings), and the snapshot's size as it goes on.")
    boolean simulateYear;

    @Option(names = "--outages-per-day", defaultValue = "20",
        description = "With --simulate-year: outages a day, each an incident (default: ${DEFAULT-VALUE}).")
    int outagesPerDay;

    @Override
    public Integer call() throws Exception {
      List<Integer> counts = Arrays.asList(targets);
      if (simulateYear && ratisFloor) {
        throw new CliException("--ratis-floor measures beside a cluster, and --simulate-year runs none: use one of them");
      }
      if (floorWriteEveryMs != null && !ratisFloor) {
        throw new CliException("--floor-write-every sets the bare Ratis servers' writes: add --ratis-floor");
      }
      if (simulateYear) {
        print(YearOfStateBench.run(new YearOfStateBench.Options(counts, outagesPerDay, 1), progress()), common.json);
        return 0;
      }
      ClusterNetwork clusterNetwork = network.of(common);
      long nodesWriteEveryMs = clusterNetwork.heartbeatIntervalMs() > 0 ? clusterNetwork.heartbeatIntervalMs()
          : NodeConfig.DEFAULT_HEARTBEAT_INTERVAL_MS;
      print(CapacityBench.run(new CapacityBench.Options(common.nodes, counts, intervalMs, durationMs, common.keep,
          clusterNetwork, ratisFloor, floorWriteEveryMs == null ? nodesWriteEveryMs : floorWriteEveryMs), progress()),
          common.json);
      return 0;
    }
  }
}
