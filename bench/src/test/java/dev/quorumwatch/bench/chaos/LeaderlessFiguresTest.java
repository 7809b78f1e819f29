package dev.quorumwatch.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.harness.faults.ChaosLog;
import dev.quorumwatch.harness.faults.Intervals.Span;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two "without a leader" figures of a chaos run, from leader samples and the ground truth. */
class LeaderlessFiguresTest {
  private static List<long[]> samplesAt(long... times) {
    return Arrays.stream(times).mapToObj(t -> new long[] {t, 0}).toList();
  }

  @Test
  void theLongestGapBetweenSamplesThatSawALeader() {
    assertThat(ChaosRun.longestLeaderlessMs(samplesAt(0, 200, 400, 3400, 3600))).isEqualTo(3000);
    assertThat(ChaosRun.longestLeaderlessMs(samplesAt(0))).isZero();
  }

  @Test
  void timeWithoutAMajorityIsTheFaultsDoingAndDoesNotCount() {
    ChaosLog log = new ChaosLog(3, 0);
    log.health(Set.of(), Set.of(), 0);
    log.health(Set.of(1, 2), Set.of(1, 2), 1_000); // two of three paused: no majority
    log.health(Set.of(), Set.of(), 9_000); // healed; an election follows
    List<long[]> samples = samplesAt(0, 200, 400, 600, 800, 9_700, 9_900);
    assertThat(ChaosRun.longestLeaderlessMs(samples)).isEqualTo(8_900);
    assertThat(ChaosRun.longestLeaderlessWithMajority(samples, log, 2))
        .as("from 800 to 1,000 ms and from 9,000 ms on, a majority could have elected a leader")
        .isEqualTo(new Span(9_000, 9_700));
  }

  @Test
  void aGapWhileAMajorityWasAbleCountsWhole() {
    ChaosLog log = new ChaosLog(3, 0);
    log.health(Set.of(0), Set.of(0), 0); // one node killed: the other two can elect
    assertThat(ChaosRun.longestLeaderlessWithMajority(samplesAt(0, 200, 2_700, 2_900), log, 2))
        .isEqualTo(new Span(200, 2_700));
  }
}
