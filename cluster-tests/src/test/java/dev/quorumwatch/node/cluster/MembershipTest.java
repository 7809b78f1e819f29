package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.Monitors;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Growing a cluster and replacing a dead node with `members add|remove`, on real nodes. */
class MembershipTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final ObjectMapper JSON = new ObjectMapper();
  LocalCluster cluster;
  TargetServer target;
  WebhookReceiver receiver;

  static JsonNode members(Cli.Result r) throws Exception {
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return JSON.readTree(r.stdout());
  }

  static List<String> ids(JsonNode doc) {
    List<String> ids = new ArrayList<>();
    doc.path("members").forEach(m -> ids.add(m.path("id").asText()));
    return ids;
  }

  @Test
  void aDeadNodeIsReplacedByANewOneThatCatchesUpWithoutLosingState() throws Exception {
    target = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    cluster = clusters.create("membership", 4).withBootstrapMembers(3);
    for (int i = 0; i < 3; i++) {
      cluster.start(i);
    }
    cluster.awaitAllFresh(30_000);
    cluster.apply(Monitors.oneTarget("api", target.url(), receiver.url()));
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 20_000)).isTrue();

    // us-west dies; a new node, ap-southeast, takes its place: added first, so the cluster never
    // runs with fewer than two live voters out of the majority it needs.
    cluster.kill(0);
    cluster.start(3);
    // As an operator would: the new node runs (its API answers) and the survivors have a
    // leader (the new node knows none until it is added).
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.status(3).isPresent() && cluster.status(1)
        .map(st -> !st.getLeaderId().isEmpty() && !st.getLeaderId().equals(cluster.id(0))).orElse(false));
    String server = cluster.api(1);
    JsonNode added = members(Cli.run("members", "add", "ap-southeast", "--region", "ap-southeast", "--raft",
        cluster.raftAddress(3), "--api", cluster.api(3), "--json", "--server", server));
    assertThat(ids(added)).containsExactlyInAnyOrder("us-west", "us-east", "eu-west", "ap-southeast");
    assertThat(added.path("quorum").asInt()).isEqualTo(3);
    JsonNode removed = members(Cli.run("members", "remove", "us-west", "--json", "--server", cluster.api(3)));
    assertThat(ids(removed)).containsExactlyInAnyOrder("us-east", "eu-west", "ap-southeast");
    assertThat(removed.path("quorum").asInt()).isEqualTo(2);

    assertThat(Agreement.awaitConverged(cluster, 20_000)).as("every running replica holds the same state").isTrue();
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      JsonNode list = members(Cli.run("members", "list", "--json", "--server", cluster.api(3)));
      List<Boolean> fresh = new ArrayList<>();
      list.path("members").forEach(m -> fresh.add(m.path("fresh").asBoolean()));
      return ids(list).size() == 3 && !fresh.contains(false);
    });
    assertThat(cluster.client(3).listTargets(ListTargetsRequest.getDefaultInstance()).getTargets(0).getVerdict())
        .as("the new node has the state it never saw written").isEqualTo(Verdict.VERDICT_UP);

    // Decisions go on with the new membership: an outage still pages.
    target.setUp(false);
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.pagesWithStatus("firing").stream()
        .anyMatch(p -> p.alertname().equals("TargetDown")));

    Cli.Result badId = Cli.run("members", "add", "no/slash", "--raft", "127.0.0.1:1", "--api", "127.0.0.1:2",
        "--server", server);
    assertThat(badId.exitCode()).isNotZero();
    assertThat(badId.stderr()).contains("id: expected");
    Cli.Result unknown = Cli.run("members", "remove", "nosuch", "--server", server);
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.stderr()).contains("no member nosuch");
  }
}
