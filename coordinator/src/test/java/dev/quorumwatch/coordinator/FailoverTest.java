package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.SetActiveEndpoint;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The active endpoint of a service: failover with the DOWN verdict, failback after its hysteresis, manual moves. */
class FailoverTest {
  private static final long T0 = 1_800_000_000_000L;

  private static final class Cluster extends DeliveringCluster {
    Cluster(ServiceSpec.Failback failback) {
      super(T0, Commands.monitors(List.of("primary", "backup", "spare"), List.of("ops")).toBuilder()
          .addServices(ServiceSpec.newBuilder().setId("api").addEndpoints("primary").addEndpoints("backup")
              .addEndpoints("spare").setFailback(failback).setFailbackAfterMs(60_000))
          .build());
    }

    ServiceRecord api() {
      return c.service("api").orElseThrow();
    }

    List<String> alerts() {
      return sent.stream().flatMap(n -> n.getAlertsList().stream())
          .filter(a -> a.getAlertname().startsWith("Service"))
          .map(a -> a.getAlertname() + " " + label(a.getLabelsList(), "from") + "->" + label(a.getLabelsList(), "to"))
          .toList();
    }

    private static String label(List<dev.quorumwatch.proto.Label> labels, String name) {
      return labels.stream().filter(l -> l.getName().equals(name)).findFirst().map(l -> l.getValue()).orElse("");
    }
  }

  private static Command move(long at, String endpoint, String by) {
    return Command.newBuilder().setAtMs(at).setSetActiveEndpoint(SetActiveEndpoint.newBuilder().setServiceId("api")
        .setEndpoint(endpoint).setReason("drill").setBy(by)).build();
  }

  @Test
  void failoverHappensInTheCommitThatCallsTheEndpointDown() {
    Cluster k = new Cluster(ServiceSpec.Failback.FAILBACK_AUTO);
    assertThat(k.api().getActiveEndpoint()).as("first choice before any verdict").isEqualTo("primary");
    assertThat(k.api().getVersion()).isEqualTo(1);
    k.allSee(Map.of("primary", VoteState.VOTE_UP, "backup", VoteState.VOTE_UP, "spare", VoteState.VOTE_UP));
    long downIndex = -1;
    for (String node : DeliveringCluster.NODES) {
      ApplyOutcome outcome = k.c.apply(++k.index, Commands.report(k.now, node, false,
          Map.of("primary", VoteState.VOTE_DOWN)));
      if (outcome.events().stream().anyMatch(e -> e.getType() == EventKind.EVENT_KIND_VERDICT
          && e.getVerdict() == Verdict.VERDICT_DOWN)) {
        downIndex = k.index;
        assertThat(outcome.events()).extracting(Event::getKind).contains("service_changed");
      }
    }
    assertThat(downIndex).isPositive();
    assertThat(k.api().getActiveEndpoint()).isEqualTo("backup");
    assertThat(k.api().getChangedAtIndex()).as("same log entry as the DOWN verdict").isEqualTo(downIndex);
    assertThat(k.api().getReason()).isEqualTo("primary is DOWN");
    assertThat(k.api().getVersion()).isEqualTo(2);
  }

  @Test
  void failbackWaitsForFailbackAfterOfUpAndStartsOverWhenTheEndpointFlaps() {
    Cluster k = new Cluster(ServiceSpec.Failback.FAILBACK_AUTO);
    k.allSee(Map.of("primary", VoteState.VOTE_UP, "backup", VoteState.VOTE_UP, "spare", VoteState.VOTE_UP));
    k.allSee(Map.of("primary", VoteState.VOTE_DOWN));
    assertThat(k.api().getActiveEndpoint()).isEqualTo("backup");
    k.advance(10_000);
    k.allSee(Map.of("primary", VoteState.VOTE_UP));
    k.advance(50_000);
    k.allSee(Map.of("primary", VoteState.VOTE_DOWN)); // flaps before its 60 s
    k.allSee(Map.of("primary", VoteState.VOTE_UP));
    k.advance(59_000);
    assertThat(k.api().getActiveEndpoint()).as("UP for 59 s only").isEqualTo("backup");
    k.advance(2_000);
    assertThat(k.api().getActiveEndpoint()).isEqualTo("primary");
    assertThat(k.api().getReason()).startsWith("primary UP for 6");
    assertThat(k.alerts()).containsExactly("ServiceFailover primary->backup", "ServiceFailback backup->primary");
    assertThat(k.sent.stream().filter(n -> n.getAlerts(0).getAlertname().startsWith("Service")))
        .as("each move is told once, never repeated or resolved").hasSize(2)
        .allSatisfy(n -> assertThat(n.getStatus()).isEqualTo("firing"));
  }

  @Test
  void withManualFailbackOnlyACommandMovesBack() {
    Cluster k = new Cluster(ServiceSpec.Failback.FAILBACK_MANUAL);
    k.allSee(Map.of("primary", VoteState.VOTE_UP, "backup", VoteState.VOTE_UP, "spare", VoteState.VOTE_UP));
    k.allSee(Map.of("primary", VoteState.VOTE_DOWN));
    k.allSee(Map.of("primary", VoteState.VOTE_UP));
    k.advance(600_000);
    assertThat(k.api().getActiveEndpoint()).isEqualTo("backup");
    assertThat(k.apply(move(k.now, "primary", "alice")).accepted()).isTrue();
    assertThat(k.api().getActiveEndpoint()).isEqualTo("primary");
    assertThat(k.api().getReason()).isEqualTo("manual: drill (by alice)");
    assertThat(k.alerts()).containsExactly("ServiceFailover primary->backup", "ServiceFailback backup->primary");
  }

  @Test
  void aPinnedEndpointStaysUntilItFailsOrIsReleased() {
    Cluster k = new Cluster(ServiceSpec.Failback.FAILBACK_AUTO);
    k.allSee(Map.of("primary", VoteState.VOTE_UP, "backup", VoteState.VOTE_UP, "spare", VoteState.VOTE_UP));
    k.apply(move(k.now, "spare", "bob"));
    assertThat(k.api().getActiveEndpoint()).isEqualTo("spare");
    assertThat(k.api().getPinnedBy()).isEqualTo("bob");
    k.advance(120_000);
    assertThat(k.api().getActiveEndpoint()).as("pinned: no failback").isEqualTo("spare");
    k.apply(move(k.now, "", "bob"));
    assertThat(k.api().getActiveEndpoint()).as("released: primary has been UP long enough").isEqualTo("primary");

    k.apply(move(k.now, "backup", "bob"));
    k.allSee(Map.of("backup", VoteState.VOTE_DOWN));
    assertThat(k.api().getActiveEndpoint()).as("a pinned endpoint that fails is left").isEqualTo("primary");
    assertThat(k.api().getPinnedBy()).isEmpty();
  }

  @Test
  void commandsAreCheckedBeforeTheyChangeAnything() {
    Cluster k = new Cluster(ServiceSpec.Failback.FAILBACK_AUTO);
    k.allSee(Map.of("primary", VoteState.VOTE_DOWN, "backup", VoteState.VOTE_UP, "spare", VoteState.VOTE_UP));
    long version = k.api().getVersion();
    assertThat(k.apply(move(k.now, "primary", "x")).error()).isEqualTo("primary is DOWN; choose an endpoint that is not");
    assertThat(k.apply(move(k.now, "db", "x")).error()).contains("db is not an endpoint of api");
    assertThat(k.apply(Command.newBuilder().setAtMs(k.now).setSetActiveEndpoint(SetActiveEndpoint.newBuilder()
        .setServiceId("web").setEndpoint("primary")).build()).error()).isEqualTo("no service web");
    assertThat(k.api().getVersion()).isEqualTo(version);
  }

  @Test
  void failoverNeverWaitsForRepairNorDoesAnExhaustedLadderHoldItBack() {
    Cluster k = new Cluster(ServiceSpec.Failback.FAILBACK_AUTO);
    MonitorsSpec withRepair = k.c.monitors().toBuilder()
        .setTargets(0, k.c.monitors().getTargets(0).toBuilder().setRepair(RepairTest.classic(5))).build();
    k.apply(Commands.apply(k.now, withRepair));
    k.allSee(Map.of("primary", VoteState.VOTE_UP, "backup", VoteState.VOTE_UP, "spare", VoteState.VOTE_UP));
    k.allSee(Map.of("primary", VoteState.VOTE_DOWN));
    assertThat(k.c.repair("primary").orElseThrow().getRunning()).isTrue();
    assertThat(k.api().getActiveEndpoint()).as("moved before any repair attempt ran").isEqualTo("backup");
    assertThat(k.c.repair("primary").orElseThrow().getLadderId()).as("the ladder began in the entry of the failover")
        .isEqualTo("rep-" + k.api().getChangedAtIndex());
  }

  @Test
  void whenEveryEndpointIsDownTheServiceStaysWhereItIs() {
    Cluster k = new Cluster(ServiceSpec.Failback.FAILBACK_AUTO);
    k.allSee(Map.of("primary", VoteState.VOTE_UP, "backup", VoteState.VOTE_UP, "spare", VoteState.VOTE_UP));
    k.allSee(Map.of("primary", VoteState.VOTE_DOWN, "backup", VoteState.VOTE_DOWN, "spare", VoteState.VOTE_DOWN));
    assertThat(k.api().getActiveEndpoint()).as("nowhere better to go").isEqualTo("primary");
    k.allSee(Map.of("spare", VoteState.VOTE_UP));
    assertThat(k.api().getActiveEndpoint()).isEqualTo("spare");
    Coordinator restored = StateCodec.restore(StateCodec.snapshot(k.c));
    assertThat(restored.service("api")).contains(k.api());
  }
}
