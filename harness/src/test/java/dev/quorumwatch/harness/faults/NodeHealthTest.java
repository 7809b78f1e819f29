package dev.quorumwatch.harness.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class NodeHealthTest {
  static final BiPredicate<Integer, Integer> NO_CUTS = (from, to) -> false;

  @Test
  void allRunningAndConnectedIsHealthy() {
    NodeHealth h = NodeHealth.of(3, 2, i -> true, i -> false, NO_CUTS);
    assertThat(h.unable()).isEmpty();
    assertThat(h.cutOff()).isEmpty();
  }

  @Test
  void aStoppedNodeIsUnableAndTheOtherTwoStillMakeAMajority() {
    NodeHealth h = NodeHealth.of(3, 2, i -> i != 2, i -> false, NO_CUTS);
    assertThat(h.unable()).containsExactly(2);
    assertThat(h.cutOff()).as("a stopped node delivers nothing: only its being unable matters").isEmpty();
  }

  /**
   * The seventh soak: node 2 restarting (its JVM still starting), and the link from 0 to 1 cut.
   * Nodes 0 and 1 cannot commit anything, so an outage only they see owes no page; node 0 can
   * still lead through node 2 once it answers.
   */
  @Test
  void aRestartingNodeDoesNotMakeAMajorityForTheOthersButCanFollowALeader() {
    BiPredicate<Integer, Integer> zeroToOneCut = (from, to) -> from == 0 && to == 1;
    NodeHealth h = NodeHealth.of(3, 2, i -> true, i -> i == 2, zeroToOneCut);
    assertThat(h.unable()).containsExactlyInAnyOrder(0, 1);
    assertThat(h.cutOff()).isEmpty();

    NodeHealth afterItsFirstReport = NodeHealth.of(3, 2, i -> true, i -> false, zeroToOneCut);
    assertThat(afterItsFirstReport.unable()).isEmpty();
  }

  @Test
  void aCutTheOtherWayDoesNotDeposeALeaderButLeavesItUnableToBeReached() {
    // Everything into node 0 is cut: it reaches nobody both ways, yet its own links work.
    NodeHealth h = NodeHealth.of(3, 2, i -> true, i -> false, (from, to) -> to == 0);
    assertThat(h.unable()).containsExactly(0);
    assertThat(h.cutOff()).isEmpty();
  }
}
