package dev.quorumwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.node.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few seconds of each benchmark scenario, so the harness cannot rot. The figures are not
 * judged here (that is what the documented full runs are for); that they are produced, and
 * that nothing is left running, is.
 */
class BenchSmokeTest {
  static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode bench(String... args) throws Exception {
    return JSON.readTree(run(args).stdout());
  }

  private static Cli.Result runBench(String... args) throws Exception {
    return Cli.runClass(BenchCommand.class.getName(), List.of(), args);
  }

  private static Cli.Result run(String... args) throws Exception {
    Cli.Result r = runBench(args);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertNothingLeftRunning();
    return r;
  }

  @Test
  void detectMeasuresEachIncidentBesideTheFloor() throws Exception {
    JsonNode doc = bench("detect", "--incidents", "2", "--wan", "regional", "--json");
    assertThat(doc.path("scenario").asText()).isEqualTo("detect");
    assertThat(doc.path("wan").asText()).isEqualTo("regional");
    assertThat(doc.path("detect_ms").path("count").asInt()).isEqualTo(2);
    assertThat(doc.path("detect_ms").path("median").asDouble()).isBetween(900.0, 4000.0);
    assertThat(doc.path("resolve_ms").path("count").asInt()).isEqualTo(2);
    assertThat(doc.path("floor_ms").path("median").asDouble()).isEqualTo(1500.0);
    assertThat(doc.path("detect_senders")).as("each page names the leader that sent it").hasSize(2)
        .allSatisfy(sender -> assertThat(sender.asText()).isIn("us-west", "us-east", "eu-west"));
  }

  @Test
  void leaderFrozenAcrossAContinentLosesNothing() throws Exception {
    Cli.Result r = run("leader-kill", "--incidents", "1", "--freeze", "1s", "--wan", "continental",
        "--election-timeout", "500ms", "--json");
    assertThat(r.stderr()).as("the leader was frozen, not killed").contains("incident 1/1: froze ");
    JsonNode doc = JSON.readTree(r.stdout());
    assertThat(doc.path("freeze_ms").asLong()).isEqualTo(1000);
    assertThat(doc.path("election_timeout_ms").asLong()).isEqualTo(500);
    assertThat(doc.path("lost").asInt()).isZero();
    assertThat(doc.path("duplicates_with_another_key").asInt()).isZero();
    assertThat(doc.path("leaderless_ms").path("count").asInt()).isEqualTo(1);
  }

  @Test
  void capacityReportsEveryFigure() throws Exception {
    JsonNode run = bench("capacity", "--targets", "50", "--interval", "1s", "--duration", "3s", "--json")
        .path("runs").path(0);
    assertThat(run.path("targets").asInt()).isEqualTo(50);
    assertThat(run.path("nodes")).hasSize(3);
    assertThat(run.path("nodes").path(0).path("probes_per_s").asDouble()).isPositive();
    assertThat(run.path("nodes").path(0).path("rss_mib").asDouble()).isPositive();
    assertThat(run.path("raft_commands_per_s").asDouble()).isPositive();
    assertThat(run.path("snapshot_bytes").asLong()).isPositive();
    // A quiet cluster (every target UP, nothing changing) writes one heartbeat per node per
    // second and nothing else: a count of commands, against the window's length.
    double window = run.path("window_s").asDouble();
    assertThat(run.path("raft_commands_by_kind").properties()).extracting(java.util.Map.Entry::getKey)
        .as("command kinds written by a quiet cluster").containsOnly("report_view");
    assertThat(run.path("raft_commands").asLong()).as("commands in %.1f s on 3 nodes", window)
        .isBetween(3 * (long) Math.floor(window) - 3, 3 * (long) Math.ceil(window) + 3);
  }

  @Test
  void probesComparesTheEngineWithItsBaseline() throws Exception {
    JsonNode doc = bench("probes", "--targets", "20", "--in-flight", "8", "--duration", "500ms", "--rounds",
        "1", "--json");
    assertThat(doc.path("probes_per_s").asDouble()).isPositive();
    assertThat(doc.path("baseline_requests_per_s").asDouble()).isPositive();
    assertThat(doc.path("failed_probes").asLong()).isZero();
  }

  private static void assertNothingLeftRunning() {
    assertThat(ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("quorumwatch-bench-"))
        .filter(ProcessHandle::isAlive))
        .as("node processes left running by the bench").isEmpty();
  }

  @Test
  void aWanProfileThatCannotBeIsNamedInOneLineBeforeAnythingStarts() throws Exception {
    assertOneLineError(runBench("detect", "--wan", "global"), "--wan global needs 4 nodes, got 3");
    assertOneLineError(runBench("chaos", "--wan", "us-west:mars=10ms"), "us-west:mars=10ms",
        "expected two different nodes of [us-west, us-east, eu-west]");
  }

  @Test
  void optionsThatCannotGoTogetherAreNamedInOneLine() throws Exception {
    assertOneLineError(runBench("capacity", "--simulate-year", "--ratis-floor"), "--ratis-floor", "--simulate-year");
    assertOneLineError(runBench("capacity", "--floor-write-every", "1h"), "--floor-write-every", "--ratis-floor");
  }

  @Test
  void aChaosRecordThatCannotBeReadIsNamedInOneLine(@TempDir Path dir) throws Exception {
    Path notARecord = Files.writeString(dir.resolve("chaos-record.json"), "not json");
    assertOneLineError(runBench("chaos", "--judge", notARecord.toString()), notARecord.toString(),
        "not a readable chaos record");
  }

  private static void assertOneLineError(Cli.Result r, String... fragments) {
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr().strip().lines()).hasSize(1);
    assertThat(r.stderr()).contains(fragments);
    assertThat(r.stdout()).isEmpty();
  }
}
