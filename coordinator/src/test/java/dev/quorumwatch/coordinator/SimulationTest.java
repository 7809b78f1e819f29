package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.alert.DailyDigests;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.coordinator.verdict.RateLimitedVotes;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.RepairAttempt;
import dev.quorumwatch.proto.RepairAttemptFinished;
import dev.quorumwatch.proto.RepairAttemptStarted;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.SetActiveEndpoint;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.TargetRecord;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteRecord;
import dev.quorumwatch.proto.VoteState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulation: random logs of reports (changes and full views), ticks, stale and
 * returning nodes, deliveries, re-applied monitors and restarts from snapshots. After every
 * command the invariants are checked; at the end every replica must hold the same state.
 * A failure names its seed; rerun one with {@code -Dqw.seed=N}.
 */
class SimulationTest {
  static final int RUNS = Integer.getInteger("qw.runs", 400);
  static final int COMMANDS_PER_RUN = 400;
  static final long T0 = 1_790_000_000_000L;
  /** Coverage guard: how many states had a target with no verdict possible for rate limits. */
  private static int rateLimitedStates;

  @Test
  void randomLogsKeepTheInvariants() {
    Long only = Long.getLong("qw.seed");
    if (only != null) {
      runSeed(only);
      return;
    }
    rateLimitedStates = 0;
    for (long seed = 1; seed <= RUNS; seed++) {
      runSeed(seed);
    }
    assertThat(rateLimitedStates).as("states where rate limits left a target without a verdict").isGreaterThan(100);
  }

  private static void runSeed(long seed) {
    try {
      simulate(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("simulation failed with seed " + seed + " (rerun: -Dqw.seed=" + seed + ")", e);
    }
  }

  private static void simulate(long seed) {
    Random random = new Random(seed);
    int nodeCount = random.nextBoolean() ? 3 : 5;
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      nodes.add("n" + i);
    }
    int quorum = random.nextInt(3) == 0 ? 1 + random.nextInt(nodeCount) : nodeCount / 2 + 1;
    List<String> allTargets = List.of("t0", "t1", "t2", "t3");
    List<Command> log = new ArrayList<>();
    long now = T0;
    log.add(Commands.cluster(now, quorum, 3000, nodes.toArray(String[]::new)));
    log.add(Commands.apply(now, Commands.monitors(allTargets.subList(0, 3), List.of("ops", "oncall"))));

    Coordinator live = new Coordinator();
    Coordinator restarted = new Coordinator();
    long index = 0;
    Set<String> notificationIdsEverSeen = new HashSet<>();
    Set<String> deliveredIds = new HashSet<>();
    Map<String, Long> firingSeq = new HashMap<>();
    Map<String, Long> resolvedSeq = new HashMap<>();
    for (int step = 0; step < COMMANDS_PER_RUN; step++) {
      if (index < log.size()) {
        // the two setup commands
      } else {
        // Mostly small steps, some back in time (skewed clocks), rarely hours (a cluster outage: daily digests).
        now += random.nextInt(400) == 0 ? 6 * 3_600_000L
            : random.nextInt(10) == 0 ? -random.nextInt(500) : random.nextInt(1200);
        log.add(randomCommand(random, now, nodes, allTargets, live));
      }
      Command command = log.get((int) index);
      index++;
      ApplyOutcome outcome = live.apply(index, command);
      restarted.apply(index, command);
      assertThat(outcome.events()).allSatisfy(e -> assertThat(e.getAtMs()).isEqualTo(live.clockMs()));

      checkInvariants(live, notificationIdsEverSeen, deliveredIds, firingSeq, resolvedSeq, command);

      if (random.nextInt(50) == 0) {
        // A replica restarts from a snapshot taken now and keeps applying the same log.
        StateSnapshot saved = StateCodec.snapshot(restarted);
        restarted = StateCodec.restore(roundTrip(saved));
        assertThat(StateCodec.snapshot(restarted)).isEqualTo(StateCodec.snapshot(live));
        assertThat(StateCodec.digest(restarted)).isEqualTo(StateCodec.digest(live));
      }
    }
    Coordinator replay = new Coordinator();
    for (int i = 0; i < log.size(); i++) {
      replay.apply(i + 1, log.get(i));
    }
    assertThat(StateCodec.snapshot(replay)).as("replaying the same log gives the same state").isEqualTo(StateCodec.snapshot(live));
    assertThat(StateCodec.snapshot(restarted)).as("snapshot + replay equals full replay").isEqualTo(StateCodec.snapshot(live));
  }

  private static StateSnapshot roundTrip(StateSnapshot s) {
    try {
      return StateSnapshot.parseFrom(s.toByteArray());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Command randomCommand(Random random, long now, List<String> nodes, List<String> allTargets, Coordinator live) {
    int kind = random.nextInt(100);
    if (kind < 70) {
      String node = nodes.get(random.nextInt(nodes.size()));
      boolean full = random.nextInt(8) == 0;
      Map<String, VoteState> votes = new LinkedHashMap<>();
      for (String t : allTargets) {
        if (full || random.nextInt(3) == 0) {
          int v = random.nextInt(10);
          votes.put(t, v < 5 ? VoteState.VOTE_UP : v < 8 ? VoteState.VOTE_DOWN : v < 9 ? VoteState.VOTE_SLOW
              : VoteState.VOTE_UNSPECIFIED);
        }
      }
      // Most reports speak this build's protocol, some an older one (a rolling upgrade), and
      // some votes are held by rate limits: the mark counts only while every member speaks it.
      ReportView.Builder report = Commands.report(now, node, full, votes).getReportView().toBuilder()
          .setProtocol(random.nextInt(20) == 0 ? Protocol.RECEIVER_KINDS : Protocol.CURRENT);
      for (Observation.Builder o : report.getObservationsBuilderList()) {
        o.setRateLimited(random.nextInt(6) == 0);
      }
      return Command.newBuilder().setAtMs(now).setReportView(report).build();
    }
    if (kind < 82) {
      return Commands.tick(now + random.nextInt(4000));
    }
    if (kind < 90) {
      List<String> pending = new ArrayList<>();
      live.pendingNotifications().forEach(n -> pending.add(n.getId()));
      List<String> some = new ArrayList<>();
      for (String id : pending) {
        if (random.nextBoolean()) {
          some.add(id);
        }
      }
      if (random.nextInt(5) == 0) {
        some.add("no-such-notification");
      }
      return random.nextInt(6) == 0 ? Commands.deliveryFailed(now, some.toArray(String[]::new))
          : Commands.delivered(now, some.toArray(String[]::new));
    }
    if (kind < 93) {
      String matcher = random.nextBoolean() ? "target=" + allTargets.get(random.nextInt(allTargets.size()))
          : random.nextBoolean() ? "service=~a|b" : "alertname!=TargetDown";
      return Commands.silence(now, matcher, 500 + random.nextInt(20_000));
    }
    if (kind < 94) {
      List<String> ids = new ArrayList<>(live.silences().stream().map(x -> x.getId()).toList());
      ids.add("sil-0");
      return Commands.expireSilence(now, ids.get(random.nextInt(ids.size())));
    }
    if (kind < 96) {
      List<String> ids = new ArrayList<>(live.incidents().stream().map(i -> i.getId()).toList());
      ids.add("inc-0");
      return Commands.ack(now, ids.get(random.nextInt(ids.size())));
    }
    if (kind < 96 && !live.repairs().isEmpty() && random.nextBoolean()) {
      // The leader's repair executor, including a second leader racing it and stale numbers.
      List<RepairRecord> records = List.copyOf(live.repairs());
      RepairRecord r = records.get(random.nextInt(records.size()));
      int step = r.getStep() + (random.nextInt(6) == 0 ? 1 : 0);
      int attempt = r.getAttempt() - (random.nextInt(6) == 0 ? 1 : 0);
      if (!r.getInFlight() || random.nextInt(5) == 0) {
        return Command.newBuilder().setAtMs(now).setRepairStarted(RepairAttemptStarted.newBuilder()
            .setTargetId(r.getTargetId()).setLadderId(r.getLadderId()).setStep(step).setAttempt(attempt)).build();
      }
      return Command.newBuilder().setAtMs(now).setRepairFinished(RepairAttemptFinished.newBuilder()
          .setTargetId(r.getTargetId()).setLadderId(r.getLadderId()).setStep(step).setAttempt(attempt)
          .setOk(random.nextBoolean()).setUnknown(random.nextInt(5) == 0)).build();
    }
    if (kind < 97) {
      List<String> services = new ArrayList<>(live.services().stream().map(r -> r.getServiceId()).toList());
      services.add("no-such-service");
      String endpoint = random.nextInt(4) == 0 ? "" : allTargets.get(random.nextInt(allTargets.size()));
      return Command.newBuilder().setAtMs(now).setSetActiveEndpoint(SetActiveEndpoint.newBuilder()
          .setServiceId(services.get(random.nextInt(services.size()))).setEndpoint(endpoint).setBy("sim")).build();
    }
    if (kind < 98) {
      List<String> targets = new ArrayList<>();
      for (String t : allTargets) {
        if (random.nextInt(4) != 0) {
          targets.add(t);
        }
      }
      return Commands.apply(now, Commands.randomMonitors(random, targets,
          random.nextBoolean() ? List.of("ops", "oncall") : List.of("ops")));
    }
    // An invalid monitors file (duplicate ids) must be rejected and change nothing.
    return Commands.apply(now, Commands.monitors(List.of("t0", "t0"), List.of("ops")));
  }

  private static void checkInvariants(Coordinator c, Set<String> everSeen, Set<String> delivered,
      Map<String, Long> firingSeq, Map<String, Long> resolvedSeq, Command command) {
    StateSnapshot s = StateCodec.snapshot(c);
    Map<String, Member> members = new HashMap<>();
    s.getCluster().getMembersList().forEach(m -> members.put(m.getId(), m));
    Map<String, Long> heartbeat = new HashMap<>();
    s.getNodesList().forEach(n -> heartbeat.put(n.getId(), n.getLastHeartbeatMs()));
    int quorum = s.getCluster().getQuorum();

    Set<String> openIncidentTargets = new HashSet<>();
    Set<String> openAlerts = new HashSet<>();
    Map<String, Incident> incidents = new HashMap<>();
    for (Incident i : s.getIncidentsList()) {
      incidents.put(i.getId(), i);
      if (i.getOpen()) {
        assertThat(openAlerts.add(i.getAlertname() + "/" + i.getTargetId() + "/" + i.getNodeId()))
            .as("one open incident per alert and subject").isTrue();
        if (i.getAlertname().equals(Coordinator.ALERT_TARGET_DOWN)) {
          openIncidentTargets.add(i.getTargetId());
        }
      }
    }
    for (TargetRecord t : s.getTargetsList()) {
      int fresh = 0;
      int freshDown = 0;
      int freshDownWithdrawn = 0;
      int freshRateLimited = 0;
      for (VoteRecord v : t.getVotesList()) {
        Long hb = heartbeat.get(v.getNodeId());
        if (members.containsKey(v.getNodeId()) && hb != null && s.getClockMs() - hb <= s.getCluster().getStaleAfterMs()) {
          freshRateLimited += v.getRateLimited() ? 1 : 0;
          if (v.getWithdrawn() || v.getRateLimited()) {
            freshDownWithdrawn += v.getState() == VoteState.VOTE_DOWN ? 1 : 0;
            continue;
          }
          fresh++;
          if (v.getState() == VoteState.VOTE_DOWN) {
            freshDown++;
          }
        }
      }
      if (t.getVerdict() == Verdict.VERDICT_DOWN) {
        // Withdrawn votes may hold a DOWN, never start one (checked where it opens, below).
        assertThat(freshDown >= quorum || fresh < quorum || freshDown + freshDownWithdrawn >= quorum)
            .as("%s is DOWN with %d fresh down votes (+%d withdrawn) of %d fresh, quorum %d", t.getTargetId(), freshDown,
                freshDownWithdrawn, fresh, quorum)
            .isTrue();
      } else if (fresh >= quorum) {
        assertThat(freshDown).as("%s is %s with a quorum of fresh down votes", t.getTargetId(), t.getVerdict())
            .isLessThan(quorum);
      }
      int answered = 0;
      for (VoteRecord v : t.getVotesList()) {
        Long hb = heartbeat.get(v.getNodeId());
        boolean fresh_ = members.containsKey(v.getNodeId()) && hb != null
            && s.getClockMs() - hb <= s.getCluster().getStaleAfterMs();
        answered += fresh_ && !v.getWithdrawn() && !v.getRateLimited()
            && v.getState() != VoteState.VOTE_UNSPECIFIED ? 1 : 0;
      }
      rateLimitedStates += t.getRateLimitedSinceMs() != 0 ? 1 : 0;
      assertThat(t.getRateLimitedSinceMs() != 0)
          .as("%s: no verdict possible iff rate limits leave fewer than a quorum of answers (%d answered, %d rate"
              + " limited, quorum %d)", t.getTargetId(), answered, freshRateLimited, quorum)
          .isEqualTo(RateLimitedVotes.noVerdictPossible(answered, freshRateLimited, quorum));
      assertThat(t.getRateLimitIncidentId().isEmpty() || t.getRateLimitedSinceMs() != 0)
          .as("a TargetRateLimited warning is open only while no verdict is possible: " + t.getTargetId()).isTrue();
      assertThat(t.getOpenIncidentId().isEmpty()).as("open incident iff DOWN: " + t.getTargetId())
          .isEqualTo(t.getVerdict() != Verdict.VERDICT_DOWN);
      assertThat(openIncidentTargets.contains(t.getTargetId())).isEqualTo(t.getVerdict() == Verdict.VERDICT_DOWN);
    }

    Map<String, Verdict> verdictByTarget = new HashMap<>();
    s.getTargetsList().forEach(t -> verdictByTarget.put(t.getTargetId(), t.getVerdict()));
    assertThat(s.getServicesList()).extracting(ServiceRecord::getServiceId).as("a record per configured service")
        .containsExactlyElementsOf(s.getMonitors().getServicesList().stream().map(ServiceSpec::getId).sorted().toList());
    for (ServiceSpec spec : s.getMonitors().getServicesList()) {
      ServiceRecord r = c.service(spec.getId()).orElseThrow();
      assertThat(spec.getEndpointsList()).as("the active endpoint is one of the service's").contains(r.getActiveEndpoint());
      if (verdictByTarget.get(r.getActiveEndpoint()) == Verdict.VERDICT_DOWN) {
        assertThat(spec.getEndpointsList()).as("%s stays on a DOWN endpoint only when all are DOWN", spec.getId())
            .allMatch(e -> verdictByTarget.get(e) == Verdict.VERDICT_DOWN);
      }
    }

    for (RepairRecord r : s.getRepairsList()) {
      assertThat(r.getAttemptsList().stream().filter(a -> a.getResult().equals("running")))
          .as("at most one attempt of %s runs", r.getTargetId()).hasSizeLessThanOrEqualTo(1);
      for (int i = 1; i < r.getAttemptsCount(); i++) {
        RepairAttempt before = r.getAttempts(i - 1);
        RepairAttempt after = r.getAttempts(i);
        assertThat(after.getStep() * 1000 + after.getAttempt()).as("attempts of %s in ladder order, none twice",
            r.getTargetId()).isGreaterThan(before.getStep() * 1000 + before.getAttempt());
      }
      assertThat(!r.getInFlight() || r.getRunning()).as("in flight only while running: " + r.getTargetId()).isTrue();
    }

    long lastSeq = 0;
    for (Notification n : s.getOutboxList()) {
      assertThat(n.getSeq()).as("outbox in seq order").isGreaterThan(lastSeq);
      lastSeq = n.getSeq();
      assertThat(delivered).as("a delivered notification never comes back: " + n.getId()).doesNotContain(n.getId());
      if (everSeen.add(n.getId())) {
        assertThat(n.getCreatedMs()).as("a notification is decided at the current time").isEqualTo(s.getClockMs());
        if (n.getReminder()) {
          assertThat(n.getAlertsList()).as("a reminder only for an unacknowledged firing alert")
              .anyMatch(a -> a.getStatus().equals("firing") && incidents.get(a.getIncidentId()).getAckedBy().isEmpty());
        }
        if (n.getGroupId().equals("digest")) {
          assertThat(n.getAlertsList()).as("a digest reports, it alerts nothing")
              .allMatch(a -> a.getAlertname().equals(DailyDigests.ALERTNAME) && a.getIncidentId().isEmpty());
          continue;
        }
        for (AlertItem a : n.getAlertsList()) {
          if (a.getStatus().equals("firing")) {
            assertThat(incidents.get(a.getIncidentId()).getSilenced()).as("a silenced alert is never sent as firing")
                .isFalse();
          }
          String incidentReceiver = a.getIncidentId() + "/" + n.getReceiverId();
          if (a.getStatus().equals("firing")) {
            assertThat(resolvedSeq).as("a firing after the resolved of " + incidentReceiver)
                .doesNotContainKey(incidentReceiver);
            firingSeq.put(incidentReceiver, n.getSeq());
          } else {
            assertThat(firingSeq).as("resolved sent only after a firing: " + incidentReceiver)
                .containsKey(incidentReceiver);
            resolvedSeq.put(incidentReceiver, n.getSeq());
          }
        }
      }
    }
    if (command.hasDelivered()) {
      for (String id : command.getDelivered().getNotificationIdsList()) {
        if (everSeen.contains(id)) {
          delivered.add(id);
        }
      }
    }
    for (String id : delivered) {
      assertThat(c.isPending(id)).isFalse();
    }
    assertThat(s.getNextSeq()).isGreaterThan(lastSeq);
    MonitorsSpec m = s.getMonitors();
    assertThat(s.getTargetsCount()).isEqualTo(m.getTargetsCount());
  }
}
