package dev.quorumwatch.coordinator.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteRecord;
import dev.quorumwatch.proto.VoteState;
import java.util.List;
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

  private static VoteRecord vote(String node, VoteState state, boolean withdrawn, boolean rateLimited) {
    return VoteRecord.newBuilder().setNodeId(node).setState(state).setWithdrawn(withdrawn).setRateLimited(rateLimited)
        .build();
  }

  @Test
  void heldVotesKeepTheVerdictButNeverMoveIt() {
    // Two regions' "down" held (restarted, no current opinion), one current "up": DOWN stays.
    VoteCount restarted = VoteCount.of(List.of(vote("a", VoteState.VOTE_DOWN, true, false),
        vote("b", VoteState.VOTE_DOWN, false, true), vote("c", VoteState.VOTE_UP, false, false)), n -> true);
    assertThat(VerdictRule.decide(restarted, 2, Verdict.VERDICT_DOWN)).isEqualTo(Verdict.VERDICT_DOWN);
    // The same held "down" votes do not start an outage from UP.
    assertThat(VerdictRule.decide(restarted, 2, Verdict.VERDICT_UP)).isEqualTo(Verdict.VERDICT_UP);
    assertThat(restarted.noVerdictPossible(2)).as("one answer, one rate limited: no quorum of answers").isTrue();
    assertThat(restarted.describe(2)).isEqualTo("down 0, up 1, slow 0, quorum 2");
  }

  @Test
  void onlyFreshNodesVote() {
    VoteCount count = VoteCount.of(List.of(vote("a", VoteState.VOTE_DOWN, false, false),
        vote("b", VoteState.VOTE_DOWN, false, false), vote("c", VoteState.VOTE_UP, false, false)), n -> !n.equals("b"));
    assertThat(count.current()).isEqualTo(new VoteTally(1, 1, 0));
    assertThat(VerdictRule.decide(count, 2, Verdict.VERDICT_UP)).isEqualTo(Verdict.VERDICT_REGIONAL);
  }
}
