package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.HeartbeatCheck;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Ping;
import dev.quorumwatch.proto.Pings;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Heartbeat targets, judged from committed pings on the state clock. */
class HeartbeatTest {
  private static final long T0 = 1_800_000_000_000L;
  static final String TOKEN_SHA = "a".repeat(64);

  /** A cluster of current nodes watching one heartbeat target, "backup", every 60 s with 30 s grace. */
  private static final class Cluster extends DeliveringCluster {
    Cluster(long maxRuntimeMs) {
      super(T0, withHeartbeat(maxRuntimeMs));
      heartbeats(0);
    }

    /** Every node reports (nothing to vote on) as a current build, so all stay fresh; time moves on. */
    void heartbeats(long ms) {
      long end = now + ms;
      do {
        now = Math.min(end, now + 1000);
        for (String node : NODES) {
          apply(Command.newBuilder().setAtMs(now).setReportView(ReportView.newBuilder().setNodeId(node)
              .setRegion(node).setProtocol(Protocol.CURRENT)).build());
        }
      } while (now < end);
    }

    ApplyOutcome ping(Ping.Kind kind, int exitCode, String node) {
      return apply(Command.newBuilder().setAtMs(now).setPings(Pings.newBuilder().addPings(Ping.newBuilder()
          .setTargetId("backup").setKind(kind).setExitCode(exitCode).setNodeId(node).setBody("done"))).build());
    }

    Verdict verdict() {
      return c.verdictOf("backup");
    }

    List<String> pages() {
      return sent.stream().filter(n -> !n.getReminder())
          .flatMap((Notification n) -> n.getAlertsList().stream().map(a -> n.getStatus() + " " + summary(a)))
          .toList();
    }

    private static String summary(AlertItem a) {
      return a.getSummary();
    }
  }

  static MonitorsSpec withHeartbeat(long maxRuntimeMs) {
    MonitorsSpec base = Commands.monitors(List.of(), List.of("ops"));
    return base.toBuilder().addTargets(TargetSpec.newBuilder().setId("backup").setHeartbeat(HeartbeatCheck.newBuilder()
        .setPeriodMs(60_000).setGraceMs(30_000).setMaxRuntimeMs(maxRuntimeMs).setTokenSha256(TOKEN_SHA))).build();
  }

  @Test
  void aMissedHeartbeatPagesOnceAndTheNextPingResolvesIt() {
    Cluster k = new Cluster(0);
    assertThat(k.verdict()).as("before the first ping").isEqualTo(Verdict.VERDICT_UNKNOWN);
    k.ping(Ping.Kind.KIND_SUCCESS, 0, "us-west");
    assertThat(k.verdict()).isEqualTo(Verdict.VERDICT_UP);
    k.heartbeats(89_000);
    assertThat(k.verdict()).as("within period + grace").isEqualTo(Verdict.VERDICT_UP);
    k.heartbeats(2_000);
    assertThat(k.verdict()).isEqualTo(Verdict.VERDICT_DOWN);
    k.heartbeats(10 * 60_000);
    assertThat(k.pages()).hasSize(1);
    assertThat(k.pages().get(0)).startsWith("firing backup heartbeat: no ping since ");
    assertThat(k.c.heartbeatOf("backup").getDownReason()).as("what explain shows").startsWith("no ping since ");
    k.ping(Ping.Kind.KIND_SUCCESS, 0, "eu-west");
    assertThat(k.verdict()).isEqualTo(Verdict.VERDICT_UP);
    assertThat(k.pages()).hasSize(2);
    assertThat(k.pages().get(1)).startsWith("resolved ");
    assertThat(k.c.heartbeatOf("backup").getLastNodeId()).isEqualTo("eu-west");
    assertThat(k.c.heartbeatOf("backup").getDownReason()).isEmpty();
    assertThat(k.c.heartbeatOf("backup").getPings()).isEqualTo(2);
  }

  @Test
  void aTargetThatNeverPingedPagesAfterPeriodPlusGraceFromItsCreation() {
    Cluster k = new Cluster(0);
    k.heartbeats(91_000);
    assertThat(k.verdict()).isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(k.pages()).singleElement().asString().contains("no ping at all since it was added");
  }

  @Test
  void aReportedFailurePagesAtOnceWithItsExitCode() {
    Cluster k = new Cluster(0);
    k.ping(Ping.Kind.KIND_SUCCESS, 0, "us-west");
    k.ping(Ping.Kind.KIND_FAIL, 3, "us-east");
    assertThat(k.verdict()).isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(k.pages()).singleElement().asString().contains("the job reported a failure (exit 3)");
    k.ping(Ping.Kind.KIND_SUCCESS, 0, "us-west");
    assertThat(k.verdict()).isEqualTo(Verdict.VERDICT_UP);
  }

  @Test
  void aStartedRunIsJudgedByMaxRuntimeNotByThePeriod() {
    Cluster k = new Cluster(300_000);
    k.ping(Ping.Kind.KIND_SUCCESS, 0, "us-west");
    k.heartbeats(50_000);
    k.ping(Ping.Kind.KIND_START, 0, "us-west");
    k.heartbeats(200_000);
    assertThat(k.verdict()).as("running longer than period + grace, within max_runtime").isEqualTo(Verdict.VERDICT_UP);
    k.heartbeats(101_000);
    assertThat(k.verdict()).isEqualTo(Verdict.VERDICT_DOWN);
    assertThat(k.pages()).singleElement().asString().contains("not finished within max_runtime 300 s");
  }

  @Test
  void theStateSurvivesASnapshotAndTheRestoredReplicaPagesAtTheSameEntry() {
    Cluster k = new Cluster(0);
    k.ping(Ping.Kind.KIND_SUCCESS, 0, "us-west");
    k.heartbeats(30_000);
    Coordinator restored = StateCodec.restore(StateCodec.snapshot(k.c));
    assertThat(StateCodec.digest(restored)).isEqualTo(StateCodec.digest(k.c));
    Command late = Commands.tick(k.now + 61_000);
    k.c.apply(k.index + 1, late);
    restored.apply(k.index + 1, late);
    assertThat(restored.verdictOf("backup")).isEqualTo(Verdict.VERDICT_DOWN).isEqualTo(k.c.verdictOf("backup"));
    assertThat(StateCodec.digest(restored)).isEqualTo(StateCodec.digest(k.c));
  }

  @Test
  void pingsWaitUntilEveryMemberSpeaksHeartbeats() {
    Cluster k = new Cluster(0);
    k.apply(Commands.reportFromOldBuild(k.now, "us-east"));
    ApplyOutcome outcome = k.ping(Ping.Kind.KIND_SUCCESS, 0, "us-west");
    assertThat(outcome.accepted()).isFalse();
    assertThat(outcome.error()).isEqualTo("pings need every node upgraded; older: us-east");
    assertThat(k.apply(Commands.apply(k.now, withHeartbeat(0))).error())
        .isEqualTo("heartbeat targets and depends_on need every node upgraded; older: us-east");
    MonitorsSpec probed = Commands.monitors(List.of("gw", "app"), List.of());
    MonitorsSpec withDependency = probed.toBuilder().setTargets(1, probed.getTargets(1).toBuilder().addDependsOn("gw"))
        .build();
    assertThat(k.apply(Commands.apply(k.now, withDependency)).error())
        .as("an older replica would page where a newer one holds back")
        .isEqualTo("heartbeat targets and depends_on need every node upgraded; older: us-east");
  }

  @Test
  void aTokenServesOneTargetOnly() {
    MonitorsSpec twice = withHeartbeat(0).toBuilder().addTargets(withHeartbeat(0).getTargets(0).toBuilder()
        .setId("other")).build();
    assertThat(MonitorsCheck.problem(twice)).isEqualTo("targets[1].heartbeat.token_sha256: the same token as another target");
  }
}
