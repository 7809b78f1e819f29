package dev.quorumwatch.node.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.PlatformServer.Call;
import dev.quorumwatch.node.testing.PlatformServer;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The repair ladder on a real 3-node cluster against a stand-in platform API: it stops at
 * the first attempt that works, climbs the steps in order with their waits, survives a
 * leader kill between attempts without repeating or skipping one, and never starts for a
 * region-only failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // light and mostly waiting; see junit-platform.properties
class RepairLadderTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final long RESTART_WAIT_MS = 2500;
  LocalCluster cluster;
  PlatformServer platform;
  TargetServer restartable;
  TargetServer needsRedeploy;
  TargetServer regional;
  WebhookReceiver receiver;

  @BeforeAll
  void start() throws Exception {
    platform = clusters.own(new PlatformServer());
    restartable = clusters.own(new TargetServer());
    needsRedeploy = clusters.own(new TargetServer());
    regional = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    platform.onCall("restart", "restartable", () -> restartable.setUp(true));
    platform.onCall("redeploy", "needs-redeploy", () -> needsRedeploy.setUp(true));
    cluster = clusters.started("repair", 3);
    StringBuilder yaml = new StringBuilder("targets:\n");
    for (var t : List.of(List.of("restartable", restartable.url()), List.of("needs-redeploy", needsRedeploy.url()),
        List.of("regional", regional.url()))) {
      yaml.append("""
            - id: %1$s
              http: {url: "%2$s"}
              interval: 1s
              timeout: 800ms
              repair:
                steps:
                  - {name: restart, attempts: 3, wait: %3$dms, timeout: 2s, http: {url: "%4$s/restart/%1$s"}}
                  - {name: redeploy, attempts: 2, wait: 6s, timeout: 2s, http: {url: "%4$s/redeploy/%1$s"}}
          """.formatted(t.get(0), t.get(1), RESTART_WAIT_MS, platform.url()));
    }
    yaml.append("receivers:\n  - id: ops\n    webhook: {url: \"").append(receiver.url()).append("\"}\n");
    cluster.apply(yaml.toString());
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 30_000)).isTrue();
  }

  @Test
  @Execution(ExecutionMode.SAME_THREAD) // one after another on the class's cluster
  void theLadderStopsAfterTheFirstRestartThatWorks() throws Exception {
    restartable.setUp(false);
    await().atMost(Duration.ofSeconds(20)).until(() -> "succeeded".equals(repair("restartable").path("state").asText()));
    // Longer than the restart wait: a second call would have come by now.
    await().pollDelay(Duration.ofMillis(RESTART_WAIT_MS + 1500)).atMost(Duration.ofSeconds(10)).until(() -> true);
    assertThat(platform.calls("restartable")).extracting(Call::action).containsExactly("restart");
    assertThat(alerts("restartable")).containsExactly("RepairStarted", "RepairSucceeded");
  }

  @Test
  @Execution(ExecutionMode.SAME_THREAD) // one after another on the class's cluster
  void stepsRunInOrderWithTheirWaitsAndALeaderKillBetweenAttemptsRepeatsNothing() throws Exception {
    needsRedeploy.setUp(false);
    // Polled in-process (a CLI run takes a second or two on a loaded machine): the kill must
    // land in the wait between the first attempt and the second. An attempt in flight when its
    // leader dies is, by design, never repeated: that would test something else.
    await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(15)).until(() -> {
      RepairRecord r = cluster.client(cluster.anyRunning()).listTargets(ListTargetsRequest.getDefaultInstance())
          .getTargetsList().stream().filter(t -> t.getId().equals("needs-redeploy")).findFirst().orElseThrow().getRepair();
      return r.getAttemptsCount() == 1 && r.getAttempts(0).getResult().equals("ok") && !r.getInFlight();
    });
    cluster.kill(cluster.awaitLeader(10_000)); // between the first and the second attempt
    await().atMost(Duration.ofSeconds(40)).until(() -> "succeeded".equals(repair("needs-redeploy").path("state").asText()));
    List<Call> calls = platform.calls("needs-redeploy");
    assertThat(calls).extracting(Call::action).containsExactly("restart", "restart", "restart", "redeploy");
    for (int i = 1; i < calls.size(); i++) {
      assertThat(calls.get(i).atMs() - calls.get(i - 1).atMs()).as("the configured wait between attempts")
          .isGreaterThanOrEqualTo(RESTART_WAIT_MS - 200);
    }
    JsonNode history = repair("needs-redeploy").path("history");
    assertThat(history).extracting(a -> a.path("step").asText() + "#" + a.path("attempt").asInt())
        .containsExactly("restart#1", "restart#2", "restart#3", "redeploy#1");
    restartDeadNodes();
  }

  @Test
  @Execution(ExecutionMode.SAME_THREAD) // one after another on the class's cluster
  void aRegionOnlyFailureNeverStartsALadder() throws Exception {
    regional.setDownOnlyFor(Set.of(cluster.id(0)));
    await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
    regional.setDownOnlyFor(Set.of());
    assertThat(platform.calls("regional")).isEmpty();
    assertThat(repair("regional").isMissingNode()).as("never repaired").isTrue();
  }

  private JsonNode repair(String target) throws Exception {
    Cli.Result r = Cli.run("targets", "--json", "--server", cluster.api(cluster.anyRunning()));
    for (JsonNode t : new ObjectMapper().readTree(r.stdout()).path("targets")) {
      if (t.path("id").asText().equals(target)) {
        return t.path("repair");
      }
    }
    throw new AssertionError("no target " + target);
  }

  private List<String> alerts(String target) {
    return receiver.alerts().stream().filter(a -> a.contains(" " + target + " ") && a.startsWith("Repair"))
        .map(a -> a.substring(0, a.indexOf(' '))).distinct().toList();
  }

  private void restartDeadNodes() throws Exception {
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.isRunning(i)) {
        cluster.start(i);
      }
    }
    cluster.awaitAllFresh(30_000);
  }
}
