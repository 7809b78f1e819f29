package dev.quorumwatch.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.coordinator.ApplyOutcome;
import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.StateCodec;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Delivered;
import dev.quorumwatch.proto.DeliveryFailed;
import dev.quorumwatch.proto.HeartbeatCheck;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.Ping;
import dev.quorumwatch.proto.Pings;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.RouteSpec;
import dev.quorumwatch.proto.SetCluster;
import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteState;
import dev.quorumwatch.proto.WebhookSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A year of replicated state, in this process, through the coordinator alone (no Raft, no
 * probes): three nodes reporting every few minutes, outages every day (each an incident and
 * its notifications, one notification in 50 failing for good), and heartbeat targets pinged
 * hourly with a body. It reports the snapshot's size as the year goes on: it must level
 * off once the retention periods are full, not grow with the days.
 */
public final class YearOfStateBench {
  public record Options(List<Integer> targetCounts, int outagesPerDay, long seed) {}

  private static final String[] NODES = {"us-west", "us-east", "eu-west"};
  private static final long DAY_MS = 86_400_000;
  /** Nodes report this often; a real node reports every second, but the state does not depend on it. */
  private static final long STEP_MS = 5 * 60_000;
  private static final Set<Integer> MILESTONE_DAYS = Set.of(1, 30, 90, 180, 270, 365);
  private static final long START_MS = 1_798_761_600_000L; // 2027-01-01T00:00Z
  /** One target in 20 is a heartbeat target. */
  private static final int HEARTBEAT_EVERY = 20;

  private YearOfStateBench() {}

  public static BenchReport run(Options o, PrintStream progress) {
    BenchReport report = new BenchReport("capacity-simulated-year");
    ArrayNode runs = report.json().putArray("runs");
    for (int count : o.targetCounts()) {
      progress.printf("simulating a year with %d targets, %d outages a day ...%n", count, o.outagesPerDay());
      runs.add(runOne(o, count, report, progress));
    }
    return report;
  }

  private static ObjectNode runOne(Options o, int count, BenchReport report, PrintStream progress) {
    Year year = new Year(count, new Random(o.seed()));
    ObjectNode run = BenchReport.JSON.createObjectNode().put("targets", count).put("outages_per_day", o.outagesPerDay());
    ArrayNode milestones = run.putArray("days");
    long startedNs = System.nanoTime();
    for (int day = 1; day <= 365; day++) {
      year.day(o.outagesPerDay());
      if (MILESTONE_DAYS.contains(day)) {
        StateSnapshot s = StateCodec.snapshot(year.c);
        long resolved = year.c.incidents().stream().filter(i -> !i.getOpen()).count();
        long incidentBytes = s.getIncidentsList().stream().mapToLong(i -> i.getSerializedSize()).sum();
        long historyBytes = s.getTargetsList().stream().flatMap(t -> t.getHistoryList().stream())
            .mapToLong(h -> h.getSerializedSize()).sum();
        long uptimeBytes = s.getTargetsList().stream().mapToLong(t -> t.getDaily().getSerializedSize()
            + t.getDownList().stream().mapToLong(iv -> iv.getSerializedSize()).sum()).sum();
        milestones.addObject().put("day", day).put("snapshot_bytes", s.getSerializedSize())
            .put("incident_bytes", incidentBytes).put("target_history_bytes", historyBytes)
            .put("uptime_bytes", uptimeBytes)
            .put("resolved_incidents", resolved).put("failed_notifications", year.c.failedNotifications().size())
            .put("incidents_opened_so_far", year.incidentsOpened);
        report.row(count + " targets, day " + day, kib(s.getSerializedSize()),
            "incidents " + kib(incidentBytes) + " (" + resolved + " resolved kept of " + year.incidentsOpened
                + "), per-target histories " + kib(historyBytes) + " (20 changes each at most), uptime "
                + kib(uptimeBytes) + ", " + year.c.failedNotifications().size() + " failed notifications");
        progress.printf("  day %d: snapshot %s%n", day, kib(s.getSerializedSize()));
      }
    }
    run.put("simulated_in_s", (System.nanoTime() - startedNs) / 1e9);
    run.put("rejected_commands", year.rejected);
    return run;
  }

  private static String kib(long bytes) {
    return bytes >= 1 << 20 ? String.format("%.1f MiB", bytes / 1048576.0) : String.format("%d KiB", bytes >> 10);
  }

  /** The cluster's commands over a year, applied in order as the log would hold them. */
  private static final class Year {
    final Coordinator c = new Coordinator();
    private final Random random;
    private final List<String> probed = new ArrayList<>();
    private final List<String> heartbeats = new ArrayList<>();
    /** Probed target id to the step its outage ends at. */
    private final Map<String, Long> downUntilStep = new HashMap<>();
    private long index;
    private long step;
    long incidentsOpened;
    long rejected;

    Year(int count, Random random) {
      this.random = random;
      MonitorsSpec.Builder spec = MonitorsSpec.newBuilder().addReceivers(ReceiverSpec.newBuilder().setId("ops")
          .setWebhook(WebhookSpec.newBuilder().setUrl("http://127.0.0.1:9/alerts"))
          .setRoute(RouteSpec.newBuilder().setSendResolved(true)));
      for (int i = 0; i < count; i++) {
        String id = "t" + i;
        TargetSpec.Builder t = TargetSpec.newBuilder().setId(id);
        if (i % HEARTBEAT_EVERY == HEARTBEAT_EVERY - 1) {
          t.setHeartbeat(HeartbeatCheck.newBuilder().setPeriodMs(3_600_000).setGraceMs(600_000)
              .setTokenSha256(String.format("%064x", i)));
          heartbeats.add(id);
        } else {
          t.setHttp(HttpProbe.newBuilder().setUrl("http://127.0.0.1:9/" + id).addExpectStatus(200))
              .setIntervalMs(10_000).setTimeoutMs(5_000).setFailureThreshold(2).setRecoveryThreshold(2);
          probed.add(id);
        }
        spec.addTargets(t);
      }
      SetCluster.Builder cluster = SetCluster.newBuilder().setClusterId("year").setQuorum(2)
          .setStaleAfterMs(3 * STEP_MS);
      for (String n : NODES) {
        cluster.addMembers(Member.newBuilder().setId(n).setRegion(n).setApi("127.0.0.1:1"));
      }
      apply(Command.newBuilder().setSetCluster(cluster));
      apply(Command.newBuilder().setApplyMonitors(ApplyMonitors.newBuilder().setSpec(spec)));
      List<Observation> allUp = probed.stream().map(id -> Observation.newBuilder().setTargetId(id)
          .setState(VoteState.VOTE_UP).build()).toList();
      report(allUp, true);
      pingAll();
    }

    /** One day in steps: outages start and end, nodes report, heartbeat jobs ping hourly. */
    void day(int outages) {
      long stepsPerDay = DAY_MS / STEP_MS;
      Map<Long, List<String>> starting = new HashMap<>();
      for (int i = 0; i < outages; i++) {
        starting.computeIfAbsent(step + random.nextInt((int) stepsPerDay), s -> new ArrayList<>())
            .add(probed.get(random.nextInt(probed.size())));
      }
      for (long end = step + stepsPerDay; step < end; ) {
        step++;
        List<Observation> changes = new ArrayList<>();
        for (String id : starting.getOrDefault(step, List.of())) {
          if (downUntilStep.putIfAbsent(id, step + 1 + random.nextInt(12)) == null) {
            changes.add(Observation.newBuilder().setTargetId(id).setState(VoteState.VOTE_DOWN)
                .setFailureClass("connect").setDetail("connection refused").build());
            incidentsOpened++;
          }
        }
        for (var it = downUntilStep.entrySet().iterator(); it.hasNext(); ) {
          var down = it.next();
          if (down.getValue() == step) {
            changes.add(Observation.newBuilder().setTargetId(down.getKey()).setState(VoteState.VOTE_UP).build());
            it.remove();
          }
        }
        report(changes, false);
        if (step * STEP_MS % 3_600_000 == 0) {
          pingAll();
        }
        deliverPending();
      }
    }

    private void report(List<Observation> observations, boolean full) {
      for (String node : NODES) {
        apply(Command.newBuilder().setReportView(ReportView.newBuilder().setNodeId(node).setRegion(node)
            .setFull(full).setProtocol(Protocol.CURRENT).addAllObservations(observations)));
      }
    }

    private void pingAll() {
      Pings.Builder pings = Pings.newBuilder();
      for (String id : heartbeats) {
        pings.addPings(Ping.newBuilder().setTargetId(id).setKind(Ping.Kind.KIND_SUCCESS).setNodeId(NODES[0])
            .setBody("backup finished: " + "x".repeat(1000)));
      }
      apply(Command.newBuilder().setPings(pings));
    }

    /** As a leader's dispatcher would: every pending notification delivered, one in 50 given up on. */
    private void deliverPending() {
      List<String> delivered = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (Notification n : c.pendingNotifications()) {
        (random.nextInt(50) == 0 ? failed : delivered).add(n.getId());
      }
      if (!delivered.isEmpty()) {
        apply(Command.newBuilder().setDelivered(Delivered.newBuilder().addAllNotificationIds(delivered)));
      }
      if (!failed.isEmpty()) {
        apply(Command.newBuilder().setDeliveryFailed(DeliveryFailed.newBuilder().addAllNotificationIds(failed)
            .setLastError("HTTP 500").setAttempts(20)));
      }
    }

    private void apply(Command.Builder command) {
      ApplyOutcome outcome = c.apply(++index, command.setAtMs(START_MS + step * STEP_MS).build());
      if (!outcome.accepted()) {
        rejected++;
      }
    }
  }
}
