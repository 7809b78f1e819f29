package dev.quorumwatch.node.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.node.bench.WebhookSink.Arrival;
import dev.quorumwatch.node.testing.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault scenarios of the reliability promises, each on a fresh 3-node cluster whose Raft
 * links run through controllable proxies. Every test ends with the checker, which judges the
 * run from what the receiver got; the scenario adds what is specific to it.
 */
class FaultScenariosTest {
  FaultyCluster c;
  String name;

  private FaultyCluster start(String name, int targets) throws Exception {
    this.name = name;
    c = new FaultyCluster(Path.of("target", "clusters", name + "-" + System.currentTimeMillis()), false, 3, targets);
    c.start();
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    if (c != null) {
      c.close();
    }
  }

  private void assertKeptEveryPromise() throws Exception {
    List<String> violations = c.healDrainAndCheck(90_000);
    assertThat(violations).as("events:\n" + String.join("\n", c.log().events())).isEmpty();
    System.out.printf("%s: page delays %s ms, %d leader changes, %d deliveries%n", name, c.pageDelaysMs(),
        c.leaderChanges(), c.sink().pages().size());
  }

  /** Keeps the outage going past the detection budget, so the checker owes it a page. */
  private static void holdOutage() {
    await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
  }

  private List<Arrival> firings() {
    return c.sink().pages().stream().filter(a -> a.status().equals("firing")).toList();
  }

  private List<Arrival> resolutions() {
    return c.sink().pages().stream().filter(a -> a.status().equals("resolved")).toList();
  }

  @Test
  void leaderIsolatedFromItsFollowersDuringAnIncident() throws Exception {
    start("leader-isolated", 1);
    int leader = c.leader();
    c.targetDownFor(0, c.allNodes());
    await().pollDelay(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(2)).until(() -> true);
    c.isolate(leader);
    await().atMost(Duration.ofSeconds(20)).until(() -> !firings().isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> c.leader() != leader);
    holdOutage();
    c.targetDownFor(0, Set.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> !resolutions().isEmpty());
    assertThat(c.sink().pages()).extracting(Arrival::sender).doesNotContain(c.cluster().id(leader));
    assertKeptEveryPromise();
  }

  @Test
  void oneRegionCutOffWhileTheTargetIsDownForTheOtherTwo() throws Exception {
    start("region-cut-off", 1);
    int cutOff = (c.leader() + 1) % 3;
    c.isolate(cutOff);
    Set<Integer> others = c.allNodes();
    others.remove(cutOff);
    c.targetDownFor(0, others);
    await().atMost(Duration.ofSeconds(10)).until(() -> !firings().isEmpty());
    holdOutage();
    c.targetDownFor(0, Set.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> !resolutions().isEmpty());
    assertThat(c.sink().pages()).extracting(Arrival::sender).doesNotContain(c.cluster().id(cutOff));
    assertKeptEveryPromise();
  }

  @Test
  void oneRegionUnableToReachTheTargetPagesNobody() throws Exception {
    start("region-blind", 1);
    c.targetDownFor(0, Set.of(c.leader()));
    await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
    assertThat(c.sink().pages()).isEmpty();
    assertKeptEveryPromise();
    assertThat(c.sink().pages()).isEmpty();
  }

  @Test
  void leaderPausedTenSecondsThenResumed() throws Exception {
    start("leader-paused", 1);
    int leader = c.leader();
    c.targetDownFor(0, c.allNodes());
    await().pollDelay(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(2)).until(() -> true);
    c.pause(leader);
    await().atMost(Duration.ofSeconds(20)).until(() -> !firings().isEmpty());
    await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(10)).until(() -> true);
    c.resume(leader);
    c.targetDownFor(0, Set.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> !resolutions().isEmpty());
    assertKeptEveryPromise();
  }

  @Test
  void rollingRestartDuringAnIncident() throws Exception {
    start("rolling-restart", 1);
    c.targetDownFor(0, c.allNodes());
    await().atMost(Duration.ofSeconds(10)).until(() -> !firings().isEmpty());
    c.rollingRestart();
    c.targetDownFor(0, Set.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> !resolutions().isEmpty());
    assertThat(firings()).extracting(Arrival::idempotencyKey).containsOnly(firings().get(0).idempotencyKey());
    assertKeptEveryPromise();
  }

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
    // Meanwhile `deliveries` shows them waiting, with their attempts and the last error.
    Cli.Result deliveries = Cli.run("deliveries", "--json", "--server", c.cluster().api(c.cluster().anyRunning()));
    assertThat(deliveries.exitCode()).as(deliveries.stderr()).isZero();
    JsonNode doc = new ObjectMapper().readTree(deliveries.stdout());
    assertThat(doc.path("attempts_known").asBoolean()).as("answered by the leader").isTrue();
    List<JsonNode> pending = new ArrayList<>();
    doc.path("pending").forEach(pending::add);
    assertThat(pending.stream().filter(p -> p.path("alerts").path(0).path("alertname").asText().equals("TargetDown")))
        .hasSizeGreaterThanOrEqualTo(2 * (round - 1));
    assertThat(pending).anySatisfy(p -> {
      assertThat(p.path("attempts").asInt()).isPositive();
      assertThat(p.path("last_error").asText()).isEqualTo("HTTP 500");
    });
    c.receiverRecovers();
    assertKeptEveryPromise();
    assertThat(firings()).hasSizeGreaterThanOrEqualTo(round - 1);
    assertThat(resolutions().stream().map(Arrival::incidentId).distinct())
        .containsExactlyInAnyOrderElementsOf(firings().stream().map(Arrival::incidentId).distinct().toList());
  }
}
