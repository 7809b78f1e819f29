package dev.quorumwatch.node.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.HeadlessChromium;
import dev.quorumwatch.node.testing.Monitors;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real cluster: fifty targets behind a gateway that fails with them page once, for the gateway. */
class DependenciesClusterTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final int BEHIND = 50;

  LocalCluster cluster;
  TargetServer gateway;
  TargetServer apps;
  WebhookReceiver receiver;

  @Test
  void fiftyTargetsBehindAFailedGatewayPageOnceAndOnlyTheGatewayResolves() throws Exception {
    gateway = clusters.own(new TargetServer());
    apps = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    StringBuilder yaml = new StringBuilder("targets:\n").append(target("gateway", gateway.url(), ""));
    for (int i = 0; i < BEHIND; i++) {
      yaml.append(target(String.format("app-%02d", i), apps.url() + "?app=" + i, "depends_on: [gateway]"));
    }
    yaml.append("receivers:\n  - id: ops\n    webhook: {url: \"").append(receiver.url()).append("\", secret_env: ")
        .append(Monitors.SECRET_ENV).append("}\n");
    cluster = clusters.started("dependencies", 3);
    cluster.apply(yaml.toString());
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 30_000)).isTrue();

    apps.setUp(false); // the apps first: their probes may well notice before the gateway's
    gateway.setUp(false);
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.alerts().contains("TargetDown gateway firing"));
    await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12))
        .until(() -> receiver.alerts().stream().noneMatch(a -> a.contains(" app-")));
    String page = HeadlessChromium.dumpDom("http://127.0.0.1:" + cluster.httpPort(1) + "/");
    assertThat(page).as("the operator's page says why the apps' incidents are held")
        .contains("data-held-by=\"dependency gateway is DOWN (").contains("held: dependency gateway is DOWN");

    gateway.setUp(true);
    apps.setUp(true);
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.alerts().contains("TargetDown gateway resolved"));
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 20_000)).isTrue();
    await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
        .until(() -> receiver.alerts().stream().noneMatch(a -> a.contains(" app-")));
    assertThat(receiver.alerts()).containsExactly("TargetDown gateway firing", "TargetDown gateway resolved");
  }

  private static String target(String id, String url, String extra) {
    return "  - {id: " + id + ", http: {url: \"" + url + "\"}, interval: 1s, timeout: 800ms, failure_threshold: 2,"
        + " recovery_threshold: 2" + (extra.isEmpty() ? "" : ", " + extra) + "}\n";
  }
}
