package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.RestoreState;
import dev.quorumwatch.proto.VoteState;
import dev.quorumwatch.proto.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateRestoreTest {
  static final String[] OLD = {"a", "b", "c"};
  static final String[] NEW = {"x", "y", "z"};

  /** An old cluster with an open outage, a silence, a node gone stale, and some uptime history. */
  static Coordinator oldCluster() {
    Coordinator c = new Coordinator();
    long t = 1_000_000;
    long i = 0;
    c.apply(++i, Commands.cluster(t, 2, 3000, OLD));
    c.apply(++i, Commands.apply(t, Commands.monitors(List.of("api", "web"), List.of("ops"))));
    for (int s = 0; s < 5; s++, t += 1000) {
      for (String n : OLD) {
        c.apply(++i, Commands.report(t, n, false, Map.of("api", VoteState.VOTE_UP, "web", VoteState.VOTE_UP)));
      }
    }
    for (int s = 0; s < 5; s++, t += 1000) {
      for (String n : List.of("a", "b")) {
        c.apply(++i, Commands.report(t, n, false, Map.of("api", VoteState.VOTE_DOWN, "web", VoteState.VOTE_UP)));
      }
    }
    c.apply(++i, Commands.silence(t, "target=web", 3_600_000));
    return c;
  }

  static Command restore(String id, Coordinator from, long atMs) {
    return Command.newBuilder().setAtMs(atMs).setRestoreState(RestoreState.newBuilder().setBackupId(id)
        .setState(StateCodec.snapshot(from).toByteString())).build();
  }

  @Test
  void aNewClusterGetsTheBackupsTargetsIncidentsSilencesAndUptimeButKeepsItsOwnMembers() {
    Coordinator old = oldCluster();
    assertThat(old.incidents()).extracting(Incident::getAlertname).contains("TargetDown", "MonitorNodeDown");
    Coordinator fresh = new Coordinator();
    fresh.apply(1, Commands.cluster(5_000_000, 2, 3000, NEW));

    StateRestore.Restored r = StateRestore.apply(fresh, restore("b1", old, 5_000_100));

    assertThat(r.outcome().accepted()).isTrue();
    Coordinator c = r.state();
    assertThat(c.restoredBackupId()).isEqualTo("b1");
    assertThat(c.membership().settings().getMembersList()).extracting(m -> m.getId()).containsExactly(NEW);
    assertThat(c.targetRows()).extracting(row -> row.spec().getId()).containsExactly("api", "web");
    assertThat(c.targetRows()).allSatisfy(row -> assertThat(row.votesByNode()).isEmpty());
    assertThat(c.targetRows().get(0).verdict()).isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(StateCodec.snapshot(c).getTargets(0).getDownList()).as("uptime: the down intervals")
        .isEqualTo(StateCodec.snapshot(old).getTargets(0).getDownList()).isNotEmpty();
    assertThat(StateCodec.snapshot(c).getTargets(0).getMonitoredSinceMs())
        .isEqualTo(StateCodec.snapshot(old).getTargets(0).getMonitoredSinceMs());
    assertThat(c.silences()).hasSize(1);
    assertThat(c.incidents()).filteredOn(Incident::getOpen).extracting(Incident::getAlertname)
        .as("the old cluster's node incidents are closed; the outage stays open").containsExactly("TargetDown");
    assertThat(c.clockMs()).isEqualTo(5_000_100);
    assertThat(r.outcome().events()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo(EventKind.EVENT_KIND_MONITORS_APPLIED);
      assertThat(e.getKind()).isEqualTo("monitors_applied");
    });
  }

  @Test
  void aClusterIsSeededOnceTheSameBackupTwiceIsRejectedAndSoIsAnother() {
    Coordinator old = oldCluster();
    Coordinator fresh = new Coordinator();
    fresh.apply(1, Commands.cluster(5_000_000, 2, 3000, NEW));
    Coordinator seeded = StateRestore.apply(fresh, restore("b1", old, 5_000_100)).state();

    StateRestore.Restored again = StateRestore.apply(seeded, restore("b1", old, 5_000_200));
    assertThat(again.outcome().accepted()).isFalse();
    assertThat(again.outcome().error()).contains("already restored");
    assertThat(again.state()).isSameAs(seeded);
    StateRestore.Restored other = StateRestore.apply(seeded, restore("b2", old, 5_000_300));
    assertThat(other.outcome().error()).contains("seeded from backup b1 already");
  }

  @Test
  void aRestoreIsNeverAppliedAsAnOrdinaryCommand() {
    Coordinator c = new Coordinator();
    assertThat(c.apply(1, restore("b1", oldCluster(), 1)).accepted()).isFalse();
  }

  @Test
  void replicasThatRestoreTheSameBackupAgreeOnTheDigest() {
    Coordinator old = oldCluster();
    Coordinator r1 = new Coordinator();
    Coordinator r2 = new Coordinator();
    r1.apply(1, Commands.cluster(5_000_000, 2, 3000, NEW));
    r2.apply(1, Commands.cluster(5_000_000, 2, 3000, NEW));
    Command cmd = restore("b1", old, 5_000_100);
    assertThat(StateCodec.digest(StateRestore.apply(r1, cmd).state()))
        .isEqualTo(StateCodec.digest(StateRestore.apply(r2, cmd).state()));
  }
}
