package dev.quorumwatch.coordinator.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Verdict;
import org.junit.jupiter.api.Test;

class VerdictRuleTest {
  private static Verdict decide(int up, int down, int slow, int quorum, Verdict previous) {
    return VerdictRule.decide(new VoteTally(up, down, slow), quorum, previous);
  }

  @Test
  void quorumOfDownVotesIsDown() {
    assertThat(decide(1, 2, 0, 2, Verdict.VERDICT_UP)).isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(decide(0, 3, 0, 3, Verdict.VERDICT_UP)).isEqualTo(Verdict.VERDICT_DOWN);
  }

  @Test
  void fewerThanQuorumDownIsRegional() {
    assertThat(decide(2, 1, 0, 2, Verdict.VERDICT_UP)).isEqualTo(Verdict.VERDICT_REGIONAL);
    assertThat(decide(3, 2, 0, 3, Verdict.VERDICT_DOWN)).isEqualTo(Verdict.VERDICT_REGIONAL);
  }

  @Test
  void quorumSlowIsDegradedAndQuorumUpIsUp() {
    assertThat(decide(1, 0, 2, 2, Verdict.VERDICT_UP)).isEqualTo(Verdict.VERDICT_DEGRADED);
    assertThat(decide(2, 0, 1, 2, Verdict.VERDICT_DOWN)).isEqualTo(Verdict.VERDICT_UP);
  }

  @Test
  void withoutQuorumOfFreshVotesTheVerdictStays() {
    assertThat(decide(0, 1, 0, 2, Verdict.VERDICT_DOWN)).isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(decide(1, 0, 0, 2, Verdict.VERDICT_DOWN)).isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(decide(0, 1, 0, 2, Verdict.VERDICT_UNKNOWN)).isEqualTo(Verdict.VERDICT_UNKNOWN);
    assertThat(decide(5, 0, 0, 0, Verdict.VERDICT_UNKNOWN)).as("no cluster settings yet").isEqualTo(Verdict.VERDICT_UNKNOWN);
  }

  @Test
  void everyTallyUpToFiveNodesFollowsTheRule() {
    for (int quorum = 1; quorum <= 5; quorum++) {
      for (int up = 0; up <= 5; up++) {
        for (int down = 0; up + down <= 5; down++) {
          for (int slow = 0; up + down + slow <= 5; slow++) {
            for (Verdict previous : new Verdict[] {Verdict.VERDICT_UNKNOWN, Verdict.VERDICT_UP, Verdict.VERDICT_DOWN}) {
              Verdict v = decide(up, down, slow, quorum, previous);
              int total = up + down + slow;
              if (total < quorum) {
                assertThat(v).isEqualTo(previous);
              } else if (v == Verdict.VERDICT_DOWN) {
                assertThat(down).isGreaterThanOrEqualTo(quorum);
              } else {
                assertThat(down).isLessThan(quorum);
              }
            }
          }
        }
      }
    }
  }
}
