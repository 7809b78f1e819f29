package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** depends_on: one page for a gateway and the fifty targets behind it, and no resolved swallowed. */
class DependenciesTest {
  private static final long T0 = 1_800_000_000_000L;
  static final List<String> BEHIND = new ArrayList<>();

  static {
    for (int i = 0; i < 50; i++) {
      BEHIND.add(String.format("app-%02d", i));
    }
  }

  /** "gateway", and 50 targets that depend on it (interval 1 s, thresholds 2: a hold of 4 s either way). */
  private static final class Cluster extends DeliveringCluster {
    Cluster() {
      super(T0, spec());
      advance(1000);
      allSee(votes(VoteState.VOTE_UP, true));
    }

    static MonitorsSpec spec() {
      List<String> all = new ArrayList<>(BEHIND);
      all.add("gateway");
      MonitorsSpec.Builder m = Commands.monitors(all, List.of("ops")).toBuilder();
      for (int i = 0; i < m.getTargetsCount(); i++) {
        TargetSpec.Builder t = m.getTargetsBuilder(i);
        if (!t.getId().equals("gateway")) {
          t.addDependsOn("gateway");
        }
      }
      return m.build();
    }

    static Map<String, VoteState> votes(VoteState state, boolean gatewayToo) {
      Map<String, VoteState> v = new HashMap<>();
      BEHIND.forEach(id -> v.put(id, state));
      if (gatewayToo) {
        v.put("gateway", state);
      }
      return v;
    }

    List<String> sentAlerts() {
      List<String> out = new ArrayList<>();
      for (var n : sent) {
        for (AlertItem a : n.getAlertsList()) {
          out.add(a.getStatus() + " " + a.getTargetId());
        }
      }
      return out;
    }

    Incident openIncidentOf(String target) {
      return c.incidents().stream().filter(i -> i.getOpen() && i.getTargetId().equals(target)).findFirst().orElseThrow();
    }
  }

  @Test
  void fiftyTargetsBehindAGatewayThatGoesDownPageOnceForTheGateway() {
    Cluster k = new Cluster();
    k.allSee(Cluster.votes(VoteState.VOTE_DOWN, false)); // the apps' probes notice first
    k.advance(2000);
    assertThat(k.sentAlerts()).as("waiting for the gateway's verdict").isEmpty();
    assertThat(k.openIncidentOf("app-07").getSuppressedBy()).isEqualTo("waiting for dependency gateway's verdict");
    k.allSee(Map.of("gateway", VoteState.VOTE_DOWN));
    k.advance(60_000);
    assertThat(k.sentAlerts()).containsExactly("firing gateway");
    Incident held = k.openIncidentOf("app-07");
    assertThat(held.getSilenced()).isTrue();
    assertThat(held.getSuppressedBy()).isEqualTo("dependency gateway is DOWN (" + k.openIncidentOf("gateway").getId() + ")");

    k.allSee(Map.of("gateway", VoteState.VOTE_UP)); // the gateway first, the apps a moment later
    k.advance(2000);
    k.allSee(Cluster.votes(VoteState.VOTE_UP, false));
    k.advance(10_000);
    assertThat(k.sentAlerts()).containsExactly("firing gateway", "resolved gateway");
  }

  @Test
  void aTargetStillDownAfterItsDependencyRecoveredPagesThen() {
    Cluster k = new Cluster();
    k.allSee(Cluster.votes(VoteState.VOTE_DOWN, true));
    k.advance(30_000);
    assertThat(k.sentAlerts()).containsExactly("firing gateway");
    k.allSee(Cluster.votes(VoteState.VOTE_UP, true));
    k.allSee(Map.of("app-03", VoteState.VOTE_DOWN)); // this one stays down
    k.advance(3000);
    assertThat(k.sentAlerts()).as("within the recovery wait").containsExactly("firing gateway", "resolved gateway");
    k.advance(2000);
    assertThat(k.sentAlerts()).containsExactly("firing gateway", "resolved gateway", "firing app-03");
  }

  @Test
  void anAlertAlreadySentStillGetsItsResolvedWhenItsDependencyGoesDownLater() {
    Cluster k = new Cluster();
    k.allSee(Map.of("app-01", VoteState.VOTE_DOWN));
    k.advance(5000);
    assertThat(k.sentAlerts()).as("the gateway stayed up: app-01 pages after the wait").containsExactly("firing app-01");
    k.allSee(Map.of("gateway", VoteState.VOTE_DOWN));
    k.advance(2000);
    assertThat(k.openIncidentOf("app-01").getSilenced()).isTrue();
    k.allSee(Map.of("app-01", VoteState.VOTE_UP));
    k.advance(2000);
    assertThat(k.sentAlerts()).containsExactly("firing app-01", "firing gateway", "resolved app-01");
  }

  @Test
  void unknownIdsAndCyclesAreRefused() {
    MonitorsSpec base = Commands.monitors(List.of("a", "b", "c"), List.of());
    MonitorsSpec unknown = base.toBuilder().setTargets(0, base.getTargets(0).toBuilder().addDependsOn("nope")).build();
    assertThat(MonitorsCheck.problem(unknown)).isEqualTo("targets[0].depends_on: no target or service nope");
    MonitorsSpec cycle = base.toBuilder().setTargets(0, base.getTargets(0).toBuilder().addDependsOn("b"))
        .setTargets(1, base.getTargets(1).toBuilder().addDependsOn("c"))
        .setTargets(2, base.getTargets(2).toBuilder().addDependsOn("a")).build();
    assertThat(MonitorsCheck.problem(cycle)).startsWith("depends_on: a cycle, ").contains("target a -> target b -> target c -> target a");
    MonitorsSpec throughItsService = base.toBuilder().addServices(ServiceSpec.newBuilder().setId("api").addEndpoints("a")
        .addEndpoints("b").addDependsOn("a")).build();
    assertThat(MonitorsCheck.problem(throughItsService)).startsWith("depends_on: a cycle, ");
    MonitorsSpec sameIdAsItsEndpoint = base.toBuilder().addServices(ServiceSpec.newBuilder().setId("a").addEndpoints("a")
        .addEndpoints("b")).build();
    assertThat(MonitorsCheck.problem(sameIdAsItsEndpoint)).as("a service may share an id with a target").isNull();
  }
}
