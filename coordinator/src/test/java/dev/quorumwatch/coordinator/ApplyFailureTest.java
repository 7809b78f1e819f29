package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.VoteState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An entry whose application throws is rejected alike on every replica, which go on applying. */
class ApplyFailureTest {
  @Test
  void anEntryThatThrowsIsRejectedAlikeAndTheReplicasGoOn() {
    Coordinator original = new Coordinator();
    long index = 0;
    for (Command c : List.of(Commands.cluster(1_000, 2, 3_000, "n1", "n2", "n3"),
        Commands.apply(1_000, Commands.monitors(List.of("web"), List.of("ops"))),
        Commands.report(2_000, "n1", true, Map.of("web", VoteState.VOTE_UP)),
        Commands.report(2_000, "n2", true, Map.of("web", VoteState.VOTE_UP)),
        Commands.report(3_000, "n1", false, Map.of("web", VoteState.VOTE_DOWN)),
        Commands.report(3_000, "n2", false, Map.of("web", VoteState.VOTE_DOWN)))) {
      assertThat(original.apply(++index, c).accepted()).isTrue();
    }
    assertThat(original.pendingNotifications()).hasSize(1);
    // A damaged state (as a tampered backup could seed): the pending notification carries the
    // id its group will give the next one, which the outbox refuses by throwing.
    StateSnapshot s = StateCodec.snapshot(original);
    Notification pending = s.getOutbox(0);
    String nextId = pending.getReceiverId() + "/" + pending.getGroupId() + "/" + s.getGroups(0).getSent();
    StateSnapshot damaged = s.toBuilder().setOutbox(0, pending.toBuilder().setId(nextId)).build();
    Coordinator a = StateCodec.restore(damaged);
    Coordinator b = StateCodec.restore(damaged);
    long clockBefore = a.clockMs();

    // The incident resolves as soon as a region sees it up (DOWN → REGIONAL): a notification is due.
    Command recovery = Commands.report(4_000, "n1", false, Map.of("web", VoteState.VOTE_UP));
    ApplyOutcome failed = a.apply(++index, recovery);
    assertThat(failed.accepted()).isFalse();
    assertThat(failed.internalError()).isTrue();
    assertThat(failed.error()).startsWith("internal error applying REPORT_VIEW at index 7:")
        .contains("notification id reused");
    assertThat(b.apply(index, recovery)).as("the same on every replica").isEqualTo(failed);
    assertThat(a.clockMs()).as("the clock does not move for a failed entry").isEqualTo(clockBefore);

    // Once the damaged notification is delivered, the group's notification goes out.
    Command delivered = Commands.delivered(5_000, nextId);
    assertThat(a.apply(++index, delivered).accepted()).isTrue();
    b.apply(index, delivered);
    assertThat(a.pendingNotifications()).singleElement().satisfies(n -> assertThat(n.getStatus()).isEqualTo("resolved"));
    assertThat(StateCodec.digest(a)).as("the replicas still agree").isEqualTo(StateCodec.digest(b));
  }
}
