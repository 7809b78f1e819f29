package dev.quorumwatch.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.NodeYamls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI fails with a non-zero exit code and exactly one line on stderr naming what is wrong. */
class CliErrorsTest {
  static final String VALID = NodeYamls.ONE_NODE;

  @TempDir
  Path dir;

  private Cli.Result node(String yaml) throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, yaml);
    return Cli.run("node", "--config", file.toString());
  }

  private static void assertOneLineError(Cli.Result r, String... fragments) {
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr().strip().lines()).hasSize(1);
    assertThat(r.stderr()).contains(fragments);
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void unknownKeyInNodeConfig() throws Exception {
    assertOneLineError(node(VALID.replace("  id: us-west\n  data_dir", "  id: us-west\n  datadir: x\n  data_dir")),
        "node.yaml: node.datadir: unknown key (expected one of data_dir, id, listen, region)");
  }

  @Test
  void badDurationInNodeConfig() throws Exception {
    assertOneLineError(node(VALID + "  heartbeat_interval: soon\n"),
        "node.yaml: cluster.heartbeat_interval: expected a positive duration such as 500ms, 10s or 2m (at most 3650d), got 'soon'");
  }

  @Test
  void missingFieldInNodeConfig() throws Exception {
    assertOneLineError(node(VALID.replace("  data_dir: ./data\n", "")), "node.yaml: node.data_dir: missing required field");
  }

  @Test
  void unreachableServer() throws Exception {
    int closedPort = FreePorts.next();
    Cli.Result r = Cli.run("status", "--server", "127.0.0.1:" + closedPort);
    assertOneLineError(r, "cannot reach 127.0.0.1:" + closedPort);
  }

  @Test
  void aChangeNeedsSomeoneToRecordUnlessATokenNamesThem() throws Exception {
    int closedPort = FreePorts.next();
    String server = "127.0.0.1:" + closedPort;
    // No $USER and an account without a name: nobody to record.
    List<String> nameless = List.of("-Duser.name=");
    assertOneLineError(Cli.runWithJvmOptions(nameless, "ack", "inc-1", "--by=", "--token=", "--server", server),
        "--by:", "--token");
    assertOneLineError(Cli.runWithJvmOptions(nameless, "silence", "add", "--match", "service=api", "--for", "1h",
        "--by=", "--token=", "--server", server), "--by:");
    assertOneLineError(Cli.runWithJvmOptions(nameless, "failover", "api", "--auto", "--by=", "--token=", "--server",
        server), "--by:");
    // No $USER (cron, systemd, containers), but the account has a name: it is recorded, and the call goes ahead.
    assertOneLineError(Cli.runWithJvmOptions(List.of("-Duser.name=backup-job"), "silence", "add", "--match",
        "service=api", "--for", "1h", "--by=", "--token=", "--server", server), "cannot reach " + server);
    // With a token the node records the token's name, so the call goes ahead without --by.
    assertOneLineError(Cli.run("ack", "inc-1", "--by=", "--token", "secret-token", "--server", server),
        "cannot reach " + server);
  }

  @Test
  void unknownOptionPointsToHelp() throws Exception {
    assertOneLineError(Cli.run("status", "--jsn"), "--jsn", "see --help");
  }
}
