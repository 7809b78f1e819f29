package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.backup.RestoreSeed;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.Monitors;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A backup of one cluster seeds a new one: targets, incidents, silences and uptime survive. */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // light and mostly waiting; see junit-platform.properties
class BackupRestoreTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final ObjectMapper JSON = new ObjectMapper();
  LocalCluster original;
  LocalCluster restored;
  TargetServer target;
  WebhookReceiver receiver;

  static JsonNode cli(String... args) throws Exception {
    Cli.Result r = Cli.run(args);
    assertThat(r.exitCode()).as("quorumwatch %s: %s", String.join(" ", args), r.stderr()).isZero();
    return JSON.readTree(r.stdout());
  }

  @Test
  void aBackupSeedsANewClusterWithTheSameTargetsIncidentsSilencesAndUptime() throws Exception {
    target = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    original = clusters.started("backup", 3);
    original.apply(Monitors.oneTarget("api", target.url(), receiver.url()));
    assertThat(original.awaitAllTargets(Verdict.VERDICT_UP, 20_000)).isTrue();
    target.setUp(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.pagesWithStatus("firing").isEmpty());
    target.setUp(true);
    await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.pagesWithStatus("resolved").isEmpty());
    String server = original.api(1);
    cli("silence", "add", "--match", "service=api", "--for", "2h", "--comment", "maintenance", "--by", "ops", "--json",
        "--server", server);
    Path file = original.dir().resolve("backup.qwbackup");
    Cli.Result backup = Cli.run("backup", "--out", file.toString(), "--server", server);
    assertThat(backup.exitCode()).as(backup.stderr()).isZero();
    assertThat(backup.stdout()).contains("1 targets", "1 silences");
    JsonNode incidentsBefore = cli("incidents", "--json", "--server", server).path("incidents");
    JsonNode silencesBefore = cli("silence", "list", "--json", "--server", server);
    JsonNode targetBefore = cli("targets", "--json", "--server", server).path("targets").get(0);
    original.close();
    original = null;

    restored = clusters.create("restored", 3);
    for (int i = 0; i < 3; i++) {
      Cli.Result seeded = Cli.run("restore", "--from", file.toString(), "--config", restored.writeConfig(i).toString());
      assertThat(seeded.exitCode()).as(seeded.stderr()).isZero();
    }
    restored.startAll();
    restored.awaitLeader(30_000);
    String newServer = restored.api(2);
    await().atMost(Duration.ofSeconds(20)).until(() -> Cli.run("incidents", "--json", "--server", newServer)
        .stdout().contains(incidentsBefore.get(0).path("id").asText()));
    assertThat(cli("incidents", "--json", "--server", newServer).path("incidents")).isEqualTo(incidentsBefore);
    assertThat(cli("silence", "list", "--json", "--server", newServer)).isEqualTo(silencesBefore);
    assertThat(restored.awaitAllTargets(Verdict.VERDICT_UP, 20_000)).isTrue();
    JsonNode targetAfter = cli("targets", "--json", "--server", newServer).path("targets").get(0);
    assertThat(targetAfter.path("id")).isEqualTo(targetBefore.path("id"));
    assertThat(targetAfter.path("labels")).isEqualTo(targetBefore.path("labels"));
    assertThat(targetAfter.path("uptime").path("24h").asDouble()).as("the outage before the backup still counts")
        .isLessThan(100.0);
    assertThat(JSON.readTree(Cli.run("status", "--json", "--server", newServer).stdout()).path("members"))
        .extracting(m -> m.path("id").asText()).containsExactlyInAnyOrder("us-west", "us-east", "eu-west");
    for (int i = 0; i < 3; i++) {
      int node = i;
      await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(restored.dataDir(node).resolve(RestoreSeed.FILE_NAME)));
    }
    assertThat(restored.log(0) + restored.log(1) + restored.log(2)).contains("restore complete backup=");

    Cli.Result again = Cli.run("restore", "--from", file.toString(), "--config", restored.configFile(0).toString());
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.stderr()).contains("is not empty", "a restore seeds a new node");
  }
}
