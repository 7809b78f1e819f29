package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.RestoreState;
import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.VoteState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A whole state is checked before it replaces the replicas' own (a restore). */
class StateCheckTest {
  static StateSnapshot firing() {
    Coordinator c = new Coordinator();
    long index = 0;
    for (Command command : List.of(Commands.cluster(1_000, 2, 3_000, "n1", "n2", "n3"),
        Commands.apply(1_000, Commands.monitors(List.of("web"), List.of("ops"))),
        Commands.report(2_000, "n1", true, Map.of("web", VoteState.VOTE_DOWN)),
        Commands.report(2_000, "n2", true, Map.of("web", VoteState.VOTE_DOWN)))) {
      c.apply(++index, command);
    }
    StateSnapshot s = StateCodec.snapshot(c);
    assertThat(s.getOutboxCount()).isEqualTo(1);
    return s;
  }

  @Test
  void aStateTheCoordinatorWroteIsUsable() {
    assertThat(StateCheck.problem(firing())).isNull();
  }

  @Test
  void damagedStatesAreRefusedNamingThePart() {
    StateSnapshot s = firing();
    Notification pending = s.getOutbox(0);
    assertThat(StateCheck.problem(s.toBuilder().addOutbox(pending.toBuilder().setSeq(s.getNextSeq() - 1)).build()))
        .isEqualTo("outbox: notification " + pending.getId() + " twice");
    String next = pending.getReceiverId() + "/" + pending.getGroupId() + "/" + s.getGroups(0).getSent();
    assertThat(StateCheck.problem(s.toBuilder().setOutbox(0, pending.toBuilder().setId(next)).build()))
        .isEqualTo("groups: group " + pending.getGroupId() + " would reuse the id of pending notification " + next);
    assertThat(StateCheck.problem(s.toBuilder().setGroups(0, s.getGroups(0).toBuilder().setReceiverId("gone")).build()))
        .endsWith("is for receiver gone, which the monitors lack");
    assertThat(StateCheck.problem(s.toBuilder().setMonitors(s.getMonitors().toBuilder().setTargets(0,
        s.getMonitors().getTargets(0).toBuilder().setIntervalMs(0))).build()))
        .isEqualTo("monitors.targets[0]: interval and timeout must be positive");
  }

  @Test
  void aDamagedBackupIsRejectedByTheReplicasAndTheirStateKept() {
    StateSnapshot s = firing();
    StateSnapshot damaged = s.toBuilder().addOutbox(s.getOutbox(0).toBuilder().setSeq(s.getNextSeq() - 1)).build();
    Coordinator replica = new Coordinator();
    replica.apply(1, Commands.cluster(1_000, 2, 3_000, "n1", "n2", "n3"));
    String before = StateCodec.digest(replica);
    StateRestore.Restored r = StateRestore.apply(replica, Command.newBuilder().setAtMs(5_000).setRestoreState(
        RestoreState.newBuilder().setBackupId("b1").setState(ByteString.copyFrom(damaged.toByteArray()))).build());
    assertThat(r.outcome().accepted()).isFalse();
    assertThat(r.outcome().error()).startsWith("backup b1: outbox: notification");
    assertThat(StateCodec.digest(r.state())).isEqualTo(before);
  }
}
