package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.raft.StuckFollowers.Follower;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class StuckFollowersTest {
  final StuckFollowers judge = new StuckFollowers();

  /** Observes once a second for {@code seconds}; the leader commits 5 entries a second from index 1000. */
  private List<String> run(int seconds, IntFunction<List<Follower>> followersAt) {
    List<String> named = new ArrayList<>();
    for (int s = 0; s <= seconds; s++) {
      named.addAll(judge.observe(s * 1000L, 1000 + 5L * s, followersAt.apply(s)));
    }
    return named;
  }

  @Test
  void anAnsweringFollowerWhoseCommitStandsStillBehindIsNamedOnce() {
    List<String> named = run(30, s -> List.of(new Follower("b", 1000 + 5L * s, true), new Follower("c", 461, true)));
    assertThat(named).containsExactly("c");
  }

  @Test
  void itIsNamedOnlyAfterStuckAfter() {
    int seconds = (int) (StuckFollowers.STUCK_AFTER_MS / 1000) - 1;
    assertThat(run(seconds, s -> List.of(new Follower("c", 461, true)))).isEmpty();
  }

  @Test
  void aFollowerThatIsDownOrCutOffIsNotStuck() {
    assertThat(run(30, s -> List.of(new Follower("c", 461, false)))).isEmpty();
  }

  @Test
  void aFollowerCatchingUpSlowlyIsNotStuck() {
    assertThat(run(60, s -> List.of(new Follower("c", 400 + 3L * s, true)))).isEmpty();
  }

  @Test
  void aFollowerLevelWithAnIdleLeaderIsNotStuck() {
    List<String> named = new ArrayList<>();
    for (int s = 0; s <= 30; s++) {
      named.addAll(judge.observe(s * 1000L, 1000, List.of(new Follower("c", 1000, true))));
    }
    assertThat(named).isEmpty();
  }

  @Test
  void aFollowerThatAnswersAgainAfterAnOutageGetsItsFullTime() {
    List<String> named = run(20, s -> List.of(new Follower("c", 461, s >= 15)));
    assertThat(named).as("answering only since second 15").isEmpty();
  }
}
