package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteState;
import dev.quorumwatch.proto.WarningSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A target that rate-limits the probes of so many regions that fewer than a quorum have an
 * answer: its verdict is held (those regions' last opinions can't move it), the target says
 * "no verdict possible", and after regional_for a TargetRateLimited warning goes out.
 */
class RateLimitedTargetTest {
  private static final String[] NODES = DeliveringCluster.NODES;

  private static MonitorsSpec monitors(boolean warn) {
    MonitorsSpec spec = Commands.monitors(List.of("api"), List.of("ops"));
    return spec.toBuilder().setTargets(0, spec.getTargets(0).toBuilder().setWarnings(WarningSpec.newBuilder()
        .setRegional(true).setRateLimited(warn).setRegionalForMs(10_000))).build();
  }

  /** A report as this build's nodes send it: numbered with the protocol. */
  private static Command report(long atMs, String node, int protocol, VoteState state, boolean rateLimited) {
    ReportView.Builder r = ReportView.newBuilder().setNodeId(node).setRegion(node).setProtocol(protocol);
    if (state != null) {
      r.addObservations(Observation.newBuilder().setTargetId("api").setState(state).setRateLimited(rateLimited)
          .setFailureClass(state == VoteState.VOTE_DOWN ? "refused" : "").setDetail(rateLimited ? "HTTP 429" : ""));
    }
    return Command.newBuilder().setAtMs(atMs).setReportView(r).build();
  }

  private static void see(DeliveringCluster cluster, int protocol, VoteState state, boolean rateLimited, String... nodes) {
    for (String node : NODES) {
      boolean sees = List.of(nodes).contains(node);
      cluster.apply(report(cluster.now, node, protocol, sees ? state : null, rateLimited));
    }
  }

  private static void advance(DeliveringCluster cluster, int protocol, long ms) {
    for (long t = 0; t < ms; t += 1000) {
      cluster.now += 1000;
      see(cluster, protocol, null, false);
    }
  }

  private static TargetRow row(DeliveringCluster cluster) {
    return cluster.c.targetRows().get(0);
  }

  private static List<Incident> rateLimitIncidents(DeliveringCluster cluster) {
    return cluster.c.incidents().stream().filter(i -> i.getAlertname().equals(Coordinator.ALERT_TARGET_RATE_LIMITED))
        .toList();
  }

  @Test
  void everyRegionRateLimitedHoldsTheVerdictSaysSoAndWarnsUntilAnswersReturn() {
    DeliveringCluster cluster = new DeliveringCluster(1_000_000, monitors(true));
    see(cluster, Protocol.CURRENT, VoteState.VOTE_UP, false, NODES);
    assertThat(cluster.c.verdictOf("api")).isEqualTo(Verdict.VERDICT_UP);

    see(cluster, Protocol.CURRENT, VoteState.VOTE_UP, true, NODES);
    long heldSince = cluster.now;
    assertThat(row(cluster).rateLimitedSinceMs()).isEqualTo(heldSince);
    assertThat(row(cluster).votesByNode().values()).allMatch(v -> v.getRateLimited());
    // Held opinions can't move the verdict, whatever they say.
    see(cluster, Protocol.CURRENT, VoteState.VOTE_DOWN, true, NODES);
    assertThat(cluster.c.verdictOf("api")).isEqualTo(Verdict.VERDICT_UP);

    advance(cluster, Protocol.CURRENT, 9_000);
    assertThat(rateLimitIncidents(cluster)).as("not before regional_for").isEmpty();
    int before = cluster.sent.size();
    advance(cluster, Protocol.CURRENT, 1_000);
    assertThat(rateLimitIncidents(cluster)).singleElement().satisfies(i -> {
      assertThat(i.getOpen()).isTrue();
      assertThat(i.getSeverity()).isEqualTo("warning");
      assertThat(i.getRegionsList()).containsExactlyInAnyOrder(NODES);
      assertThat(i.getSummary()).contains("no verdict possible").contains("UP held");
    });
    assertThat(row(cluster).rateLimitIncidentId()).isEqualTo(rateLimitIncidents(cluster).get(0).getId());
    assertThat(cluster.sentSince(before)).flatExtracting(Notification::getAlertsList)
        .extracting(a -> a.getAlertname() + " " + a.getStatus())
        .containsExactly(Coordinator.ALERT_TARGET_RATE_LIMITED + " firing");

    // One region gets an answer: still fewer than the quorum of 2.
    see(cluster, Protocol.CURRENT, VoteState.VOTE_DOWN, false, "us-west");
    assertThat(row(cluster).rateLimitedSinceMs()).isEqualTo(heldSince);
    assertThat(cluster.c.verdictOf("api")).isEqualTo(Verdict.VERDICT_UP);
    // Two do: the verdict is judged again (DOWN), the warning resolves and says so.
    before = cluster.sent.size();
    see(cluster, Protocol.CURRENT, VoteState.VOTE_DOWN, false, "us-east");
    assertThat(cluster.c.verdictOf("api")).isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(cluster.c.incidents()).filteredOn(i -> i.getAlertname().equals(Coordinator.ALERT_TARGET_DOWN))
        .singleElement().satisfies(i -> assertThat(i.getRegionsList())
            .as("eu-west's held 'down' is no evidence").containsExactlyInAnyOrder("us-west", "us-east"));
    assertThat(row(cluster).rateLimitedSinceMs()).isZero();
    assertThat(row(cluster).rateLimitIncidentId()).isEmpty();
    assertThat(rateLimitIncidents(cluster).get(0).getOpen()).isFalse();
    assertThat(cluster.sentSince(before)).flatExtracting(Notification::getAlertsList)
        .extracting(a -> a.getAlertname() + " " + a.getStatus())
        .contains(Coordinator.ALERT_TARGET_RATE_LIMITED + " resolved", Coordinator.ALERT_TARGET_DOWN + " firing");
  }

  @Test
  void aMinorityRateLimitedLeavesTheVerdictToTheOthers() {
    DeliveringCluster cluster = new DeliveringCluster(1_000_000, monitors(true));
    see(cluster, Protocol.CURRENT, VoteState.VOTE_UP, false, NODES);
    see(cluster, Protocol.CURRENT, VoteState.VOTE_UP, true, "eu-west");
    see(cluster, Protocol.CURRENT, VoteState.VOTE_DOWN, false, "us-west", "us-east");
    assertThat(cluster.c.verdictOf("api")).isEqualTo(Verdict.VERDICT_DOWN);
    advance(cluster, Protocol.CURRENT, 15_000);
    assertThat(row(cluster).rateLimitedSinceMs()).isZero();
    assertThat(rateLimitIncidents(cluster)).isEmpty();
  }

  @Test
  void theWarningCanBeTurnedOffAndTheStateStillSaysSo() {
    DeliveringCluster cluster = new DeliveringCluster(1_000_000, monitors(false));
    see(cluster, Protocol.CURRENT, VoteState.VOTE_UP, false, NODES);
    see(cluster, Protocol.CURRENT, VoteState.VOTE_UP, true, NODES);
    advance(cluster, Protocol.CURRENT, 15_000);
    assertThat(row(cluster).rateLimitedSinceMs()).isPositive();
    assertThat(rateLimitIncidents(cluster)).isEmpty();
  }

  @Test
  void whileAMemberIsOlderTheFlagIsIgnoredSoEveryReplicaDecidesAlike() {
    DeliveringCluster cluster = new DeliveringCluster(1_000_000, monitors(true));
    see(cluster, Protocol.RECEIVER_KINDS, VoteState.VOTE_UP, false, NODES);
    see(cluster, Protocol.RECEIVER_KINDS, VoteState.VOTE_DOWN, true, "us-west", "us-east");
    assertThat(row(cluster).votesByNode().values()).noneMatch(v -> v.getRateLimited());
    assertThat(cluster.c.verdictOf("api")).as("counted as current, as an older replica does")
        .isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(row(cluster).rateLimitedSinceMs()).isZero();
  }

  @Test
  void aRestoredReplicaOpensThePendingWarningOnTime() {
    DeliveringCluster cluster = new DeliveringCluster(1_000_000, monitors(true));
    see(cluster, Protocol.CURRENT, VoteState.VOTE_UP, false, NODES);
    see(cluster, Protocol.CURRENT, VoteState.VOTE_UP, true, NODES);
    advance(cluster, Protocol.CURRENT, 5_000);

    long copyIndex = cluster.index;
    Coordinator copy = StateCodec.restore(StateCodec.snapshot(cluster.c));
    assertThat(StateCodec.digest(copy)).isEqualTo(StateCodec.digest(cluster.c));
    assertThat(copy.targetRows().get(0).rateLimitedSinceMs()).isEqualTo(row(cluster).rateLimitedSinceMs());
    for (long t = 0; t < 5_000; t += 1000) {
      cluster.now += 1000;
      for (String node : NODES) {
        Command heartbeat = report(cluster.now, node, Protocol.CURRENT, null, false);
        cluster.apply(heartbeat);
        copy.apply(++copyIndex, heartbeat);
      }
    }
    assertThat(rateLimitIncidents(cluster)).hasSize(1);
    assertThat(copy.incidents()).filteredOn(i -> i.getAlertname().equals(Coordinator.ALERT_TARGET_RATE_LIMITED))
        .hasSize(1);
  }
}
