package dev.quorumwatch.node.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.targets.WebhookSink.Arrival;
import dev.quorumwatch.node.testing.Cli;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The receiver fails for two minutes, with outages and a leader change meanwhile; afterwards
 * everything arrives, in order per incident. The cluster mostly waits here, so this class
 * runs beside the others (junit-platform.properties) instead of adding two minutes to CI.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // see junit-platform.properties
class ReceiverOutageTest extends FaultScenario {
  @Test
  void receiverFailingForTwoMinutesGetsEverythingInOrderAfterwards() throws Exception {
    start("receiver-failing", 2);
    c.receiverFails(500);
    long until = System.currentTimeMillis() + 120_000;
    int round = 0;
    int killed = -1;
    while (System.currentTimeMillis() < until - 20_000) {
      c.targetDownFor(round % 2, c.allNodes());
      await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
      c.targetDownFor(round % 2, Set.of());
      if (round == 2) {
        killed = c.leader(); // a leader change in the middle, with undelivered notifications
        c.kill(killed);
      }
      if (round == 3) {
        c.restart(killed);
      }
      await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
      round++;
    }
    await().pollDelay(Duration.ofMillis(Math.max(0, until - System.currentTimeMillis()))).atMost(Duration.ofSeconds(25))
        .until(() -> true);
    assertThat(c.sink().pages()).as("nothing gets through while the receiver fails").isEmpty();
    // Meanwhile `deliveries` shows them waiting, with their attempts and the last error. Asked
    // until the answer has attempts: a leader elected just before knows none yet (they are
    // the leader's, not replicated) and makes its first within a second.
    int rounds = round;
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Cli.Result deliveries = Cli.run("deliveries", "--json", "--server", c.cluster().api(c.cluster().anyRunning()));
      assertThat(deliveries.exitCode()).as(deliveries.stderr()).isZero();
      JsonNode doc = new ObjectMapper().readTree(deliveries.stdout());
      assertThat(doc.path("attempts_known").asBoolean()).as("answered by the leader").isTrue();
      List<JsonNode> pending = new ArrayList<>();
      doc.path("pending").forEach(pending::add);
      assertThat(pending.stream().filter(p -> p.path("alerts").path(0).path("alertname").asText().equals("TargetDown")))
          .hasSizeGreaterThanOrEqualTo(2 * (rounds - 1));
      assertThat(pending).anySatisfy(p -> {
        assertThat(p.path("attempts").asInt()).isPositive();
        assertThat(p.path("last_error").asText()).isEqualTo("HTTP 500");
      });
    });
    c.receiverRecovers();
    assertKeptEveryPromise();
    assertThat(firings()).hasSizeGreaterThanOrEqualTo(round - 1);
    assertThat(resolutions().stream().map(Arrival::incidentId).distinct())
        .containsExactlyInAnyOrderElementsOf(firings().stream().map(Arrival::incidentId).distinct().toList());
  }
}
