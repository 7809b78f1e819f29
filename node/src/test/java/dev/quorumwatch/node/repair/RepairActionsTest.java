package dev.quorumwatch.node.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.CommandAction;
import dev.quorumwatch.proto.HttpAction;
import dev.quorumwatch.proto.RepairStep;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RepairActionsTest {
  final ExecutorService blocking = Executors.newCachedThreadPool();
  final Map<String, String> env = Map.of("QW_TOKEN", "s3cr3t", "QW_BAD_HOST", "exa mple^s3cr3t", "HOME", "/root");

  @AfterEach
  void stop() {
    blocking.shutdownNow();
  }

  RepairActions actions(boolean commandsAllowed) {
    return new RepairActions(HttpClient.newHttpClient(), blocking, commandsAllowed ? Set.of("true", "false", "sleep")
        : Set.of(), new Secrets(env::get), DeniedNetworks.NONE);
  }

  @Test
  void variablesComeFromTheNodesEnvironmentAndAMissingOneIsAnError() {
    assertThat(actions(false).expand("Bearer ${QW_TOKEN}")).isEqualTo("Bearer s3cr3t");
    assertThatThrownBy(() -> actions(false).expand("${QW_NOPE}")).hasMessage(
        "environment variable QW_NOPE is not set on this node");
    assertThatThrownBy(() -> actions(false).expand("${HOME}")).as("set, but not among node.yaml's secrets.env")
        .hasMessageStartingWith("environment variable HOME is not allowed by node.yaml secrets: {env: [QW_*, QUORUMWATCH_*]");
  }

  @Test
  void commandsRunOnlyWhereAllowedAndReportTheirExitCode() throws Exception {
    RepairStep ok = RepairStep.newBuilder().setName("true").setTimeoutMs(5000)
        .setCommand(CommandAction.newBuilder().addArgv("true")).build();
    RepairStep fails = ok.toBuilder().setCommand(CommandAction.newBuilder().addArgv("false")).build();
    RepairStep hangs = ok.toBuilder().setTimeoutMs(300).setCommand(CommandAction.newBuilder().addArgv("sleep")
        .addArgv("10")).build();
    assertThat(actions(false).run(ok).get().detail()).isEqualTo(
        "true is not among this node's repair.allowed_commands (node.yaml)");
    RepairStep other = ok.toBuilder().setCommand(CommandAction.newBuilder().addArgv("/bin/true")).build();
    assertThat(actions(true).run(other).get().detail()).as("the exact program, not its name")
        .isEqualTo("/bin/true is not among this node's repair.allowed_commands (node.yaml)");
    assertThat(actions(true).run(ok).get()).isEqualTo(new RepairActions.Result(true, "exit 0"));
    assertThat(actions(true).run(fails).get()).isEqualTo(new RepairActions.Result(false, "exit 1"));
    long start = System.nanoTime();
    assertThat(actions(true).run(hangs).get().detail()).isEqualTo("timed out after 300 ms");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
  }

  @Test
  void aSecretNeverAppearsInTheResult() throws Exception {
    RepairStep refused = RepairStep.newBuilder().setName("restart").setTimeoutMs(2000)
        .setHttp(HttpAction.newBuilder().setMethod("POST").setUrl("http://127.0.0.1:1/restart?token=${QW_TOKEN}")).build();
    RepairActions.Result result = actions(false).run(refused).get();
    assertThat(result.ok()).isFalse();
    assertThat(result.detail()).doesNotContain("s3cr3t");
    RepairStep brokenOnceFilled = refused.toBuilder().setHttp(HttpAction.newBuilder().setMethod("POST")
        .setUrl("http://${QW_BAD_HOST}/restart")).build();
    RepairActions.Result broken = actions(false).run(brokenOnceFilled).get();
    assertThat(broken.detail()).isEqualTo("the URL is not a valid URL once its references are filled in");
  }

  @Test
  void anActionIntoADeniedNetworkIsRefusedBeforeConnecting() throws Exception {
    DeniedNetworks loopback = new DeniedNetworks(List.of(DeniedNetworks.parse("127.0.0.0/8")));
    RepairStep restart = RepairStep.newBuilder().setName("restart").setTimeoutMs(2000)
        .setHttp(HttpAction.newBuilder().setMethod("POST").setUrl("http://localhost:1/restart")).build();
    RepairActions.Result result = new RepairActions(HttpClient.newHttpClient(), blocking, Set.of(), new Secrets(env::get), loopback)
        .run(restart).get();
    assertThat(result).isEqualTo(new RepairActions.Result(false,
        "localhost (127.0.0.1) is in denied network 127.0.0.0/8 (node.yaml deny_networks)"));
  }
}
