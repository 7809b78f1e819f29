package dev.quorumwatch.node.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.node.bench.WebhookSink.Arrival;
import dev.quorumwatch.node.testing.TestClusters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** A fault scenario's cluster, started per test, and the checks every scenario ends with. */
abstract class FaultScenario {
  FaultyCluster c;
  String name;

  FaultyCluster start(String name, int targets) throws Exception {
    this.name = name;
    c = new FaultyCluster(TestClusters.dir(name), false, 3, targets);
    TestClusters.remember(c.cluster());
    c.start();
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    if (c != null) {
      c.close();
    }
  }

  void assertKeptEveryPromise() throws Exception {
    List<String> violations = c.healDrainAndCheck(90_000);
    assertThat(violations).as("events:\n" + String.join("\n", c.log().events())).isEmpty();
    System.out.printf("%s: page delays %s ms, %d leader changes, %d deliveries%n", name, c.pageDelaysMs(),
        c.leaderChanges(), c.sink().pages().size());
  }

  /** Keeps the outage going past the detection budget, so the checker owes it a page. */
  static void holdOutage() {
    await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
  }

  List<Arrival> firings() {
    return c.sink().pages().stream().filter(a -> a.status().equals("firing")).toList();
  }

  List<Arrival> resolutions() {
    return c.sink().pages().stream().filter(a -> a.status().equals("resolved")).toList();
  }
}
