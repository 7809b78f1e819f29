package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node's reports apply in the order the node made them, whatever order their writes commit
 * in: a write left behind on a replaced Raft client (or by the node's previous run) must not
 * bring back a vote the node has since changed.
 */
class ReportOrderTest {
  static final String[] NODES = {"a", "b", "c"};
  long index;

  Coordinator cluster() {
    Coordinator c = new Coordinator();
    c.apply(++index, Commands.cluster(1_000, 2, 3_000, NODES));
    c.apply(++index, Commands.apply(1_000, Commands.monitors(List.of("api"), List.of())));
    return c;
  }

  static Command numbered(Command report, long incarnation, long seq) {
    return report.toBuilder().setReportView(report.getReportView().toBuilder().setIncarnation(incarnation).setSeq(seq)).build();
  }

  void report(Coordinator c, long atMs, String node, VoteState vote, long incarnation, long seq) {
    c.apply(++index, numbered(Commands.report(atMs, node, false, Map.of("api", vote)), incarnation, seq));
  }

  VoteState voteOf(Coordinator c, String node) {
    return c.targetRows().get(0).votesByNode().get(node).getState();
  }

  @Test
  void anOvertakenReportIsIgnoredAndANewRunIsNot() {
    Coordinator c = cluster();
    for (String n : NODES) {
      report(c, 2_000, n, VoteState.VOTE_UP, 100, 1);
    }
    report(c, 3_000, "a", VoteState.VOTE_DOWN, 100, 2);
    report(c, 4_000, "a", VoteState.VOTE_UP, 100, 3);
    report(c, 4_100, "a", VoteState.VOTE_DOWN, 100, 2); // the seq-2 write, committing late
    assertThat(voteOf(c, "a")).isEqualTo(VoteState.VOTE_UP);
    report(c, 4_200, "a", VoteState.VOTE_DOWN, 99, 40); // from the node's previous run
    assertThat(voteOf(c, "a")).isEqualTo(VoteState.VOTE_UP);

    report(c, 5_000, "a", VoteState.VOTE_DOWN, 101, 1); // restarted: a new run starts at 1
    assertThat(voteOf(c, "a")).isEqualTo(VoteState.VOTE_DOWN);
    report(c, 5_100, "b", VoteState.VOTE_DOWN, 0, 0); // unnumbered (an older node): always applied
    assertThat(voteOf(c, "b")).isEqualTo(VoteState.VOTE_DOWN);
  }

  @Test
  void replicasRestoredFromASnapshotIgnoreTheSameReports() {
    Coordinator c = cluster();
    for (String n : NODES) {
      report(c, 2_000, n, VoteState.VOTE_UP, 100, 5);
    }
    Coordinator restored = StateCodec.restore(StateCodec.snapshot(c));
    for (Coordinator replica : List.of(c, restored)) {
      replica.apply(index + 1, numbered(Commands.report(3_000, "a", false, Map.of("api", VoteState.VOTE_DOWN)), 100, 4));
      replica.apply(index + 2, numbered(Commands.report(3_000, "b", false, Map.of("api", VoteState.VOTE_DOWN)), 100, 3));
      assertThat(voteOf(replica, "a")).isEqualTo(VoteState.VOTE_UP);
      assertThat(replica.verdictOf("api")).isEqualTo(Verdict.VERDICT_UP);
    }
    assertThat(StateCodec.digest(restored)).isEqualTo(StateCodec.digest(c));
  }
}
