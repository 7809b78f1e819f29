package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.membership.MonitorHealth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alerts about the monitor itself: a member down (MonitorNodeDown), a bare quorum left (MonitorQuorumAtRisk). */
class MonitorHealthTest {
  private static final long T0 = 1_795_000_000_000L;

  private static final class Cluster extends DeliveringCluster {
    Cluster() {
      super(T0, Commands.monitors(List.of("t0"), List.of("ops")));
    }
  }

  @Test
  void aSilentNodeIsReportedDownAfterStaleAfterAndAThirdMoreAndResolvedWhenItReturns() {
    Cluster k = new Cluster();
    k.advance(10_000);
    assertThat(k.sent).as("a healthy cluster says nothing about itself").isEmpty();
    for (int s = 0; s < 4; s++) {
      k.now += 1000;
      k.apply(Commands.report(k.now, "us-west", false, Map.of()));
      k.apply(Commands.report(k.now, "us-east", false, Map.of()));
    }
    assertThat(k.c.membership().isFresh("eu-west", k.now)).as("its votes no longer count").isFalse();
    assertThat(k.sent).as("4 s silent: not yet called down").isEmpty();
    k.now += 1000;
    k.apply(Commands.report(k.now, "us-west", false, Map.of()));
    k.apply(Commands.report(k.now, "us-east", false, Map.of()));
    assertThat(k.sent).extracting(DeliveringCluster::alerts).containsExactlyInAnyOrder(
        List.of("MonitorNodeDown:eu-west:firing"), List.of("MonitorQuorumAtRisk::firing"));
    k.advance(1000);
    assertThat(k.sentSince(2)).extracting(DeliveringCluster::alerts).containsExactlyInAnyOrder(
        List.of("MonitorNodeDown:eu-west:resolved"), List.of("MonitorQuorumAtRisk::resolved"));
  }

  /**
   * The leader (eu-west) dies just after committing a heartbeat from itself and us-east;
   * us-west's report, sent to it, is lost. The next leader's first commit comes 2.2 s later,
   * when us-west's last committed report is 3.1 s old, and its resent report commits 200 ms
   * after that. Its votes were stale for that moment, but it was never down: before, this
   * opened and resolved a MonitorNodeDown for us-west and a MonitorQuorumAtRisk page.
   */
  @Test
  void aMemberWhoseReportAnElectionHeldUpIsNotCalledDown() {
    Cluster k = new Cluster();
    k.advance(10_000);
    long lastAll = k.now;
    k.apply(Commands.report(lastAll + 900, "us-east", false, Map.of()));
    k.apply(Commands.report(lastAll + 900, "eu-west", false, Map.of()));
    k.now = lastAll + 3_100; // no leader in between
    k.apply(Commands.report(k.now, "us-east", false, Map.of()));
    assertThat(k.c.membership().isFresh("us-west", k.now)).as("us-west's votes are stale for a moment").isFalse();
    k.now += 200;
    k.apply(Commands.report(k.now, "us-west", false, Map.of()));
    for (int s = 0; s < 4; s++) {
      k.now += 1000;
      k.apply(Commands.report(k.now, "us-west", false, Map.of()));
      k.apply(Commands.report(k.now, "us-east", false, Map.of()));
    }
    assertThat(k.sent).extracting(DeliveringCluster::alerts).as("only the leader that died is down")
        .containsExactlyInAnyOrder(List.of("MonitorNodeDown:eu-west:firing"), List.of("MonitorQuorumAtRisk::firing"));
  }

  /** Heartbeats from two of the three nodes, a second apart; eu-west has not started yet. */
  private static void twoNodesReportFor(Cluster k, long ms) {
    for (long t = 0; t < ms; t += 1000) {
      k.now += 1000;
      k.apply(Commands.report(k.now, "us-west", false, Map.of()));
      k.apply(Commands.report(k.now, "us-east", false, Map.of()));
    }
  }

  @Test
  void aMemberThatStartsLateIsGivenTheFirstReportGraceNotStaleAfter() {
    Cluster k = new Cluster();
    twoNodesReportFor(k, MonitorHealth.FIRST_REPORT_GRACE_MS - 2000);
    k.apply(Commands.report(k.now, "eu-west", false, Map.of()));
    k.advance(10_000);
    assertThat(k.sent).as("a slow first start is not an outage of the monitor").isEmpty();
  }

  @Test
  void aMemberThatNeverReportsIsCalledDownOnceTheFirstReportGraceIsOver() {
    Cluster k = new Cluster();
    twoNodesReportFor(k, MonitorHealth.FIRST_REPORT_GRACE_MS - 1000);
    assertThat(k.sent).isEmpty();
    twoNodesReportFor(k, 2000);
    assertThat(k.sent).extracting(DeliveringCluster::alerts).containsExactlyInAnyOrder(
        List.of("MonitorNodeDown:eu-west:firing"), List.of("MonitorQuorumAtRisk::firing"));
    assertThat(k.c.incidents()).filteredOn(i -> i.getAlertname().equals("MonitorNodeDown"))
        .singleElement().satisfies(i -> assertThat(i.getSummary()).contains("never seen"));
  }

  @Test
  void aRestartedClusterGivesItsMembersStaleAfterToReport() {
    Cluster k = new Cluster();
    k.advance(5000);
    // Everybody was down for an hour; two nodes come back first, the third 2 s later.
    k.now += 3_600_000;
    k.apply(Commands.report(k.now, "us-west", false, Map.of()));
    k.apply(Commands.report(k.now, "us-east", false, Map.of()));
    k.now += 2000;
    k.apply(Commands.report(k.now, "us-west", false, Map.of()));
    k.apply(Commands.report(k.now, "us-east", false, Map.of()));
    k.apply(Commands.report(k.now, "eu-west", false, Map.of()));
    k.advance(5000);
    assertThat(k.sent).isEmpty();
  }
}
