package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.incident.IncidentLog;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.IncidentUpdate;
import dev.quorumwatch.proto.PostIncidentUpdate;
import dev.quorumwatch.proto.VoteState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operators' updates on incidents, for the public status pages. */
class IncidentUpdatesTest {
  private static final long T0 = 1_800_000_000_000L;

  /** Three nodes speaking {@code protocol}; "api" is DOWN with an open incident. */
  private static DeliveringCluster apiDown(int protocol) {
    DeliveringCluster k = new DeliveringCluster(T0, Commands.monitors(List.of("api"), List.of("ops")));
    for (String node : DeliveringCluster.NODES) {
      Command down = Commands.report(k.now, node, false, Map.of("api", VoteState.VOTE_DOWN));
      k.apply(down.toBuilder().setReportView(down.getReportView().toBuilder().setProtocol(protocol)).build());
    }
    return k;
  }

  private static String openIncident(DeliveringCluster k) {
    return k.c.incidents().stream().filter(Incident::getOpen).findFirst().orElseThrow().getId();
  }

  private static ApplyOutcome post(DeliveringCluster k, String incidentId, IncidentUpdate.Status status, String message) {
    Command command = Command.newBuilder().setAtMs(k.now).setPostIncidentUpdate(PostIncidentUpdate.newBuilder()
        .setIncidentId(incidentId).setStatus(status.getNumber()).setMessage(message).setBy("ana")).build();
    String early = k.c.operatorCommandProblem(command);
    ApplyOutcome outcome = k.apply(command);
    assertThat(early == null ? "" : early).as("the leader's check before the log agrees with apply")
        .isEqualTo(outcome.error());
    return outcome;
  }

  @Test
  void updatesAreKeptInOrderWithTheirTimeAndAuthorAndSurviveASnapshot() {
    DeliveringCluster k = apiDown(Protocol.CURRENT);
    String id = openIncident(k);
    assertThat(post(k, id, IncidentUpdate.Status.STATUS_INVESTIGATING, "Checkout is failing for some customers.")
        .accepted()).isTrue();
    k.now += 60_000;
    post(k, id, IncidentUpdate.Status.STATUS_IDENTIFIED, "A bad deploy; rolling back.");
    Incident i = k.c.incident(id).orElseThrow();
    assertThat(i.getUpdatesList()).extracting(IncidentUpdate::getStatus).containsExactly(
        IncidentUpdate.Status.STATUS_INVESTIGATING, IncidentUpdate.Status.STATUS_IDENTIFIED);
    assertThat(i.getUpdates(1).getAtMs()).isEqualTo(i.getUpdates(0).getAtMs() + 60_000);
    assertThat(i.getUpdates(1).getBy()).isEqualTo("ana");
    assertThat(k.events).anyMatch(e -> e.getKind().equals("incident_updated") && e.getIncidentId().equals(id));
    assertThat(StateCodec.restore(StateCodec.snapshot(k.c)).incident(id)).contains(i);
    assertThat(i.getOpen()).as("an update does not resolve the incident").isTrue();
  }

  @Test
  void badUpdatesAreRejectedWithTheReason() {
    DeliveringCluster k = apiDown(Protocol.CURRENT);
    String id = openIncident(k);
    assertThat(post(k, "inc-404", IncidentUpdate.Status.STATUS_MONITORING, "x").error()).isEqualTo("no incident inc-404");
    assertThat(post(k, id, IncidentUpdate.Status.STATUS_UNSPECIFIED, "x").error()).startsWith("status: expected");
    assertThat(post(k, id, IncidentUpdate.Status.STATUS_MONITORING, " ").error()).startsWith("message: expected 1 to");
    assertThat(post(k, id, IncidentUpdate.Status.STATUS_MONITORING,
        "x".repeat(IncidentLog.UPDATE_MESSAGE_CHARS_MAX + 1)).error()).startsWith("message: expected 1 to 2000");
    for (int n = 0; n < IncidentLog.UPDATES_MAX; n++) {
      assertThat(post(k, id, IncidentUpdate.Status.STATUS_MONITORING, "still watching " + n).accepted()).isTrue();
    }
    assertThat(post(k, id, IncidentUpdate.Status.STATUS_RESOLVED, "done").error()).contains("already has 50 updates");
  }

  @Test
  void updatesWaitUntilEveryMemberSpeaksThem() {
    DeliveringCluster k = apiDown(Protocol.RETENTION);
    assertThat(post(k, openIncident(k), IncidentUpdate.Status.STATUS_INVESTIGATING, "looking").error())
        .isEqualTo("incident updates need every node upgraded; older: eu-west, us-east, us-west");
  }
}
