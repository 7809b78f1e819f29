package dev.quorumwatch.harness.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.harness.faults.Intervals.Span;
import dev.quorumwatch.harness.targets.WebhookSink.Arrival;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checker's model of who could vote when, on a hand-made three-node run: us-west is
 * restarted at 10 s, us-east is killed at 11 s, and the target is down for everyone from 12 s;
 * eu-west leads throughout.
 */
class ChaosCheckerTest {
  private static final ChaosChecker.Timing TIMING = new ChaosChecker.Timing(2, 1_000, 2, 2, 3_000);
  private static final long END = 60_000;

  /** The run above, with us-west's first report after its restart committed at {@code reportedAtMs}. */
  private static ChaosLog run(long reportedAtMs, long targetUpAgainMs) {
    ChaosLog log = new ChaosLog(3, 0);
    log.targetSeenDown("t", Set.of(), 0);
    log.health(Set.of(), Set.of(), 0);
    log.health(Set.of(0), Set.of(), 5_000);
    log.health(Set.of(), Set.of(), 10_000);
    log.rejoining(0, true, 10_000);
    log.rejoining(0, false, reportedAtMs);
    log.health(Set.of(1), Set.of(), 11_000);
    log.targetSeenDown("t", Set.of(0, 1, 2), 12_000);
    log.targetSeenDown("t", Set.of(), targetUpAgainMs);
    sampleLeader(log, 2, 0, END);
    return log;
  }

  /** The leader samples a majority agreed on: {@code leader} every 200 ms in {@code [fromMs, toMs)}. */
  private static void sampleLeader(ChaosLog log, int leader, long fromMs, long toMs) {
    for (long at = fromMs; at < toMs; at += 200) {
      log.leaderSample(at, leader);
    }
  }

  /**
   * All three nodes healthy, the target down for us-west and eu-west from 12 s, and the leader
   * us-east cut off from both at 12.6 s: us-west leads from 14.6 s.
   */
  private static ChaosLog leaderLostInside(long targetUpAgainMs) {
    ChaosLog log = new ChaosLog(3, 0);
    log.health(Set.of(), Set.of(), 0);
    log.targetSeenDown("t", Set.of(), 0);
    log.targetSeenDown("t", Set.of(0, 2), 12_000);
    log.health(Set.of(1), Set.of(1), 12_600);
    log.targetSeenDown("t", Set.of(), targetUpAgainMs);
    sampleLeader(log, 1, 0, 13_000);
    sampleLeader(log, 0, 14_600, END);
    return log;
  }

  @Test
  void timeWithoutALeaderThatCanCommitDoesNotCountTowardsDetection() {
    // A 5 s outage, 2 s of it without a leader that could commit (us-east cut off at 12.6 s,
    // the next leader at 14.6 s): 3 s with one, no more than detection, so no page owed.
    ChaosChecker election = new ChaosChecker(leaderLostInside(17_000), TIMING, List.of(), List.of(), END);

    assertThat(ChaosChecker.ledSpans(leaderLostInside(17_000)))
        .containsExactly(new Span(0, 12_600), new Span(14_600, END - 200));
    assertThat(election.owedPages("t")).isEmpty();

    // Half a second longer with a leader, and the page is owed; the line says how long it had one.
    ChaosChecker longer = new ChaosChecker(leaderLostInside(17_500), TIMING, List.of(), List.of(), END);

    assertThat(longer.owedPages("t")).containsExactly(new Span(12_000, 17_500));
    assertThat(longer.check(1)).singleElement().asString()
        .startsWith("no firing notification for t").contains("(3500 ms of it with a leader)");
  }

  @Test
  void aRestartedNodeCountsOnlyFromItsFirstCommittedReport() {
    // Reported at 14 s: with eu-west, a quorum saw the outage from 14 s to 16.5 s, shorter
    // than the detection time, so no page was owed.
    ChaosChecker checker = new ChaosChecker(run(14_000, 16_500), TIMING, List.of(), List.of(), END);

    assertThat(checker.owedPages("t")).isEmpty();
    assertThat(checker.check(0)).isEmpty();
  }

  @Test
  void aRestartedNodeThatReportedAtOnceOwesThePage() {
    // Reported at 10.5 s: healthy from 12 s (the rejoin grace after its start), so the quorum
    // outage ran 12 s to 16.5 s and a page was owed and missed.
    ChaosChecker checker = new ChaosChecker(run(10_500, 16_500), TIMING, List.of(), List.of(), END);

    assertThat(checker.owedPages("t")).containsExactly(new Span(12_000, 16_500));
    assertThat(checker.check(0)).singleElement().asString().startsWith("no firing notification for t");
  }

  @Test
  void aPageAndItsResolutionKeepThePromise() {
    ChaosLog log = run(14_000, 30_000);
    List<Arrival> arrivals = List.of(
        new Arrival(16_200, "k1", "firing", "TargetDown", "t", "i1", "eu-west", 16_000),
        new Arrival(31_500, "k2", "resolved", "TargetDown", "t", "i1", "eu-west", 16_000));

    ChaosChecker checker = new ChaosChecker(log, TIMING, arrivals, List.of(), END);

    assertThat(checker.owedPages("t")).containsExactly(new Span(14_000, 30_000));
    assertThat(checker.check(0)).isEmpty();
    assertThat(checker.pageDelaysMs()).containsExactly(2_000L);
  }

  @Test
  void aPageWithoutAQuorumNamesTheMachineStallThatCanExplainIt() {
    // The target is down for eu-west only, yet an incident opens at 40 s: a violation either
    // way; with the harness starved for 1.5 s just before, the line says so.
    ChaosLog log = run(14_000, 16_500);
    log.targetSeenDown("t", Set.of(2), 36_000);
    log.targetSeenDown("t", Set.of(), 45_000);
    List<Arrival> falsePage = List.of(
        new Arrival(40_100, "k1", "firing", "TargetDown", "t", "i1", "eu-west", 40_000),
        new Arrival(47_000, "k2", "resolved", "TargetDown", "t", "i1", "eu-west", 40_000));
    ChaosChecker calm = new ChaosChecker(log, TIMING, falsePage, List.of(), END);

    assertThat(calm.check(0)).singleElement().asString().contains("without a quorum").doesNotContain("stall");
    assertThat(calm.besideStalls()).isZero();

    new MachineStalls(log).observe(MachineStalls.TICK_MS + 1_500, 39_000);
    ChaosChecker starved = new ChaosChecker(log, TIMING, falsePage, List.of(), END);

    assertThat(starved.check(0)).singleElement().asString()
        .contains("without a quorum").contains("beside a machine stall: nothing of the harness ran for 1500 ms");
    assertThat(starved.besideStalls()).isEqualTo(1);
  }

  @Test
  void onlyAWakeUpLateByTheStallThresholdIsAStall() {
    ChaosLog log = new ChaosLog(3, 0);
    MachineStalls stalls = new MachineStalls(log);

    stalls.observe(MachineStalls.TICK_MS + MachineStalls.STALL_MS - 1, 10_000);
    assertThat(log.stalls()).isEmpty();

    stalls.observe(MachineStalls.TICK_MS + MachineStalls.STALL_MS, 20_000);
    assertThat(log.stalls()).containsExactly(new Span(20_000 - MachineStalls.STALL_MS, 20_000));
    assertThat(log.events()).singleElement().asString().contains("machine stalled " + MachineStalls.STALL_MS + " ms");
  }
}
