package dev.quorumwatch.node.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.ClusterNetwork;
import dev.quorumwatch.harness.faults.FaultyCluster;
import dev.quorumwatch.harness.faults.Judgement;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.harness.targets.WebhookSink.Arrival;
import dev.quorumwatch.node.testing.TestClusters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A fault scenario's cluster, started per test, and the checks every scenario ends with. */
abstract class FaultScenario {
  /** Per instance: the two scenario classes run at the same time (one in the second lane). */
  @RegisterExtension
  final RealClusters clusters = TestClusters.extension();

  FaultyCluster c;
  String name;

  FaultyCluster start(String name, int targets) throws Exception {
    this.name = name;
    c = new FaultyCluster(RealClusters.dir(name), false, 3, targets, ClusterNetwork.LOOPBACK);
    clusters.adopt(c.cluster());
    // Owned after its nodes, so closed before them: it resumes paused nodes before they are killed.
    clusters.own(c);
    c.start();
    return c;
  }

  void assertKeptEveryPromise() throws Exception {
    Judgement judgement = c.healDrainAndCheck(90_000);
    assertThat(judgement.violations()).as("events:\n" + String.join("\n", c.log().events())).isEmpty();
    System.out.printf("%s: page delays %s ms, %d leader changes, %d deliveries%n", name, judgement.pageDelaysMs(),
        judgement.leaderChanges(), c.sink().pages().size());
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
