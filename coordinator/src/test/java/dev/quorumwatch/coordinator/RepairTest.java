package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.HttpAction;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.RepairAttempt;
import dev.quorumwatch.proto.RepairAttemptFinished;
import dev.quorumwatch.proto.RepairAttemptStarted;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.RepairSpec;
import dev.quorumwatch.proto.RepairStep;
import dev.quorumwatch.proto.VoteState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The repair ladder as replicated state: when it starts, which attempt is next, when it ends. */
class RepairTest {
  private static final long T0 = 1_800_000_000_000L;

  static RepairSpec classic(int maxPerHour) {
    return RepairSpec.newBuilder().setMaxLaddersPerHour(maxPerHour)
        .addSteps(step("restart", 3, 10_000, 5_000))
        .addSteps(step("redeploy", 2, 30_000, 120_000))
        .addSteps(step("rollback", 1, 60_000, 120_000))
        .build();
  }

  static RepairStep step(String name, int attempts, long waitMs, long timeoutMs) {
    return RepairStep.newBuilder().setName(name).setAttempts(attempts).setWaitMs(waitMs).setTimeoutMs(timeoutMs)
        .setHttp(HttpAction.newBuilder().setMethod("POST").setUrl("http://127.0.0.1:1/" + name)).build();
  }

  private static final class Cluster extends DeliveringCluster {
    Cluster(RepairSpec repair) {
      super(T0, withRepair(Commands.monitors(List.of("api", "db"), List.of("ops")), repair));
      allSee(Map.of("api", VoteState.VOTE_UP, "db", VoteState.VOTE_UP));
    }

    private static MonitorsSpec withRepair(MonitorsSpec spec, RepairSpec repair) {
      return spec.toBuilder().setTargets(0, spec.getTargets(0).toBuilder().setRepair(repair)).build();
    }

    RepairRecord api() {
      return c.repair("api").orElseThrow();
    }

    /** What the leader's executor does for the next due attempt: start it, run it, report it. */
    ApplyOutcome runNext(boolean ok) {
      RepairRecord r = api();
      ApplyOutcome start = apply(started(r.getLadderId(), r.getStep(), r.getAttempt()));
      if (!start.accepted()) {
        return start;
      }
      return apply(Command.newBuilder().setAtMs(now).setRepairFinished(RepairAttemptFinished.newBuilder()
          .setTargetId("api").setLadderId(r.getLadderId()).setStep(r.getStep()).setAttempt(r.getAttempt())
          .setOk(ok).setDetail(ok ? "HTTP 200" : "HTTP 502")).build());
    }

    Command started(String ladder, int step, int attempt) {
      return Command.newBuilder().setAtMs(now).setRepairStarted(RepairAttemptStarted.newBuilder()
          .setTargetId("api").setLadderId(ladder).setStep(step).setAttempt(attempt)).build();
    }

    List<String> repairAlerts() {
      return sent.stream().flatMap(n -> n.getAlertsList().stream()).map(a -> a.getAlertname())
          .filter(name -> name.startsWith("Repair")).toList();
    }
  }

  @Test
  void aLadderStartsOnDownAndStopsWhenTheTargetIsUp() {
    Cluster k = new Cluster(classic(3));
    k.allSee(Map.of("api", VoteState.VOTE_DOWN));
    RepairRecord r = k.api();
    assertThat(r.getRunning()).isTrue();
    assertThat(r.getStep()).isZero();
    assertThat(r.getAttempt()).isEqualTo(1);
    assertThat(r.getDueMs()).as("the first attempt is due at once").isEqualTo(k.now);
    assertThat(k.runNext(true).accepted()).isTrue();
    assertThat(k.api().getAttempt()).isEqualTo(2);
    assertThat(k.api().getDueMs()).as("the next only after the step's wait").isEqualTo(k.now + 10_000);
    k.allSee(Map.of("api", VoteState.VOTE_UP));
    assertThat(k.api().getRunning()).isFalse();
    assertThat(k.api().getLastResult()).isEqualTo("succeeded");
    assertThat(k.api().getAttemptsList()).extracting(RepairAttempt::getResult).containsExactly("ok");
    assertThat(k.repairAlerts()).containsExactly("RepairStarted", "RepairSucceeded");
  }

  @Test
  void attemptsFollowTheStepsInOrderAndTheLadderIsExhaustedAfterTheLastWait() {
    Cluster k = new Cluster(classic(3));
    k.allSee(Map.of("api", VoteState.VOTE_DOWN));
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RepairRecord r = k.api();
      order.add(k.c.targetSpec("api").orElseThrow().getRepair().getSteps(r.getStep()).getName() + r.getAttempt());
      assertThat(k.runNext(false).accepted()).isTrue();
      k.now = Math.max(k.now, k.api().getDueMs());
      k.allSee(Map.of());
    }
    assertThat(order).containsExactly("restart1", "restart2", "restart3", "redeploy1", "redeploy2", "rollback1");
    assertThat(k.api().getLastResult()).isEqualTo("exhausted");
    assertThat(k.repairAlerts()).containsExactly("RepairStarted", "RepairExhausted");
    assertThat(k.sent.stream().filter(n -> n.getAlerts(0).getAlertname().equals("RepairExhausted")))
        .allSatisfy(n -> assertThat(n.getAlerts(0).getSeverity()).isEqualTo("critical"));
  }

  @Test
  void anAttemptStartsOnceAndANewLeaderCannotRepeatOrSkipIt() {
    Cluster k = new Cluster(classic(3));
    k.allSee(Map.of("api", VoteState.VOTE_DOWN));
    String ladder = k.api().getLadderId();
    assertThat(k.apply(k.started(ladder, 0, 1)).accepted()).isTrue();
    assertThat(k.apply(k.started(ladder, 0, 1)).error()).contains("already running");
    // The leader that started it died; its successor reports the outcome as unknown after the timeout.
    k.apply(Command.newBuilder().setAtMs(k.now).setRepairFinished(RepairAttemptFinished.newBuilder().setTargetId("api")
        .setLadderId(ladder).setStep(0).setAttempt(1).setUnknown(true).setDetail("leader changed")).build());
    assertThat(k.apply(k.started(ladder, 0, 1)).error()).as("a finished attempt never runs again")
        .contains("the next attempt of api is 0.2");
    assertThat(k.apply(k.started(ladder, 0, 3)).error()).as("nor is one skipped").contains("is 0.2, not 0.3");
    Coordinator restored = StateCodec.restore(StateCodec.snapshot(k.c));
    assertThat(restored.repair("api")).contains(k.api());
  }

  @Test
  void aRegionOnlyFailureNeverStartsALadderAndTheBudgetLimitsLadders() {
    Cluster k = new Cluster(classic(1));
    for (String node : DeliveringCluster.NODES) {
      k.apply(Commands.report(k.now, node, false, Map.of("api", node.equals("us-west") ? VoteState.VOTE_DOWN
          : VoteState.VOTE_UP)));
    }
    assertThat(k.c.repair("api")).as("REGIONAL: no ladder").isEmpty();
    k.allSee(Map.of("api", VoteState.VOTE_DOWN));
    k.allSee(Map.of("api", VoteState.VOTE_UP));
    k.advance(1000);
    k.allSee(Map.of("api", VoteState.VOTE_DOWN));
    assertThat(k.api().getRunning()).as("one ladder per hour").isFalse();
    assertThat(k.api().getLaddersTotal()).isEqualTo(1);
    k.allSee(Map.of("api", VoteState.VOTE_UP));
    k.now += 3_600_000;
    k.allSee(Map.of("api", VoteState.VOTE_DOWN));
    assertThat(k.api().getRunning()).as("an hour later the budget is back").isTrue();
  }

  @Test
  void attemptsStartOnlyWhileTheTargetIsDown() {
    Cluster k = new Cluster(classic(3));
    k.allSee(Map.of("api", VoteState.VOTE_DOWN));
    for (String node : List.of("us-west", "us-east")) {
      k.apply(Commands.report(k.now, node, false, Map.of("api", VoteState.VOTE_UP))); // REGIONAL now
    }
    RepairRecord r = k.api();
    assertThat(k.apply(k.started(r.getLadderId(), 0, 1)).error()).isEqualTo("api is not DOWN");
  }
}
