package dev.quorumwatch.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigLoaderTest {
  static final Path FILE = Path.of("/etc/quorumwatch/node.yaml");
  static final String CONTRACT_EXAMPLE = """
      node:
        id: us-west                # unique in the cluster
        region: us-west
        data_dir: ./data/us-west   # Raft log + snapshots
        listen:
          raft: 127.0.0.1:9101
          api: 127.0.0.1:9201
          http: 127.0.0.1:9301
      cluster:
        id: demo
        peers:
          - {id: us-west, raft: 127.0.0.1:9101, api: 127.0.0.1:9201}
          - {id: us-east, raft: 127.0.0.1:9102, api: 127.0.0.1:9202}
          - {id: eu-west, raft: 127.0.0.1:9103, api: 127.0.0.1:9203}
        quorum: majority
      monitors_file: monitors.yaml
      """;

  @Test
  void readsTheDocumentedExample() throws Exception {
    NodeConfig c = NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE);
    assertThat(c.nodeId()).isEqualTo("us-west");
    assertThat(c.dataDir()).isEqualTo(Path.of("/etc/quorumwatch/data/us-west"));
    assertThat(c.peers()).extracting(NodeConfig.Peer::id).containsExactly("us-west", "us-east", "eu-west");
    assertThat(c.quorum()).isEqualTo(2);
    assertThat(c.heartbeatIntervalMs()).isEqualTo(1000);
    assertThat(c.staleAfterMs()).isEqualTo(3000);
    assertThat(c.monitorsFile()).contains(Path.of("/etc/quorumwatch/monitors.yaml"));
    assertThat(c.allowedRepairCommands()).as("none unless listed").isEmpty();
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE + "repair: {allowed_commands: [/usr/local/bin/rollback]}\n")
        .allowedRepairCommands()).containsExactly("/usr/local/bin/rollback");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE + "repair: {allow_commands: true}\n"))
        .hasMessageContaining("repair.allow_commands: replaced by allowed_commands");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE + "repair: {allowed_commands: [rollback]}\n"))
        .hasMessageContaining("repair.allowed_commands[0]: expected an absolute path");
    assertThat(c.apiListen()).isEqualTo(new HostPort("127.0.0.1", 9201));
  }

  @Test
  void quorumMayBeANumber() throws Exception {
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority", "quorum: 3")).quorum()).isEqualTo(3);
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority", "quorum: 4")))
        .hasMessage("/etc/quorumwatch/node.yaml: cluster.quorum: expected a whole number from 1 to 3, got 4");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority", "quorum: most")))
        .hasMessageContaining("cluster.quorum: expected 'majority' or a number from 1 to 3, got 'most'");
  }

  @Test
  void theElectionTimeoutIsRatisDefaultUnlessSetForLongerRoundTrips() throws Exception {
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE).electionTimeoutMs()).isEqualTo(400);
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority",
        "quorum: majority\n  election_timeout: 1500ms")).electionTimeoutMs()).isEqualTo(1500);
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority",
        "quorum: majority\n  election_timeout: 20ms")))
        .hasMessage("/etc/quorumwatch/node.yaml: cluster.election_timeout: expected from 100ms to 10s, got 20ms");
  }

  @Test
  void errorsNameFileFieldPathAndExpectation() throws Exception {
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("raft: 127.0.0.1:9102", "raft: nowhere")))
        .hasMessage("/etc/quorumwatch/node.yaml: cluster.peers[1].raft: expected host:port with a port from 1 to 65535, got 'nowhere'");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("- {id: us-west, raft", "- {id: us-north, raft")))
        .hasMessageContaining("cluster.peers: expected this node's id 'us-west' among the peers");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("id: eu-west", "id: us-east")))
        .hasMessageContaining("cluster.peers[2].id: duplicate peer id 'us-east'");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority", "quorum: majority\n  stale_after: 500ms")))
        .hasMessageContaining("cluster.stale_after: expected more than heartbeat_interval (1s) and at most 1h, got 500ms");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority", "quorum: majority\n  stale_after: 2h")))
        .hasMessageContaining("cluster.stale_after: expected more than heartbeat_interval (1s) and at most 1h, got 2h");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority", "quorum: majority\n  heartbeat_interval: 10ms")))
        .hasMessageContaining("cluster.heartbeat_interval: expected from 250ms to 1m, got 10ms");
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE.replace("quorum: majority", "quorum: majority\n  heartbeat_interval: 2s"))
        .staleAfterMs()).as("three heartbeats").isEqualTo(6_000);
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, "node: [1, 2\n"))
        .hasMessageStartingWith("/etc/quorumwatch/node.yaml: not valid YAML");
  }

  @Test
  void apiTokensAreHashesOrComeFromEnvOrFileAndEveryMistakeNamesItsField(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("ops.token"), "from-a-file\n");
    String sha = "a".repeat(64);
    NodeConfig c = NodeConfigLoader.parse(dir.resolve("node.yaml"), CONTRACT_EXAMPLE + """
        auth:
          tokens:
            - {name: alice, role: admin, sha256: "%s"}
            - {name: ci, role: read, env: QW_CI_TOKEN}
            - {name: ops, role: admin, file: ops.token}
        """.formatted(sha), var -> var.equals("QW_CI_TOKEN") ? "from-env" : null);
    assertThat(c.authenticated()).isTrue();
    assertThat(c.auth().tokens()).extracting(t -> t.name() + ":" + t.role()).containsExactly("alice:ADMIN", "ci:READ", "ops:ADMIN");
    assertThat(c.auth().tokens().get(1).sha256()).isEqualTo(dev.quorumwatch.node.auth.TokenHashes.sha256("from-env"));
    assertThat(c.auth().tokens().get(2).sha256()).isEqualTo(dev.quorumwatch.node.auth.TokenHashes.sha256("from-a-file"));
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE).authenticated()).isFalse();

    String[][] mistakes = {
        {"- {name: a, role: admin, sha256: abc}", "auth.tokens[0].sha256: expected 64 hex digits"},
        {"- {name: a, role: root, sha256: \"" + sha + "\"}", "auth.tokens[0].role: expected 'read' or 'admin'"},
        {"- {name: a, role: read, sha256: \"" + sha + "\", env: X}", "auth.tokens[0]: expected exactly one of sha256, env or file"},
        {"- {name: a, role: read, token: plain}", "auth.tokens[0]"},
        {"- {name: a, role: read, env: QW_MISSING}", "auth.tokens[0].env: expected environment variable QW_MISSING"},
        {"- {name: a, role: read, sha256: \"" + sha + "\"}\n    - {name: a, role: admin, sha256: \"" + sha + "\"}",
            "auth.tokens[1].name: expected a unique token name"},
    };
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE + "auth:\n  rate_limit: {per_second: 0}\n"
        + "  tokens:\n    - {name: a, role: read, sha256: \"" + sha + "\"}\n", var -> null))
        .hasMessageContaining("auth.rate_limit.per_second");
    for (String[] m : mistakes) {
      assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE + "auth:\n  tokens:\n    " + m[0] + "\n",
          var -> null)).as(m[0]).hasMessageContaining(m[1]);
    }
  }

  @Test
  void aPathThatIsNoPathIsAnErrorNamingTheField() {
    // ConfigPropertiesTest found it: a NUL in data_dir escaped as an InvalidPathException.
    String nul = CONTRACT_EXAMPLE.replace("data_dir: ./data/us-west", "data_dir: \"./data/a\\0b\"");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, nul)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("node.data_dir: expected a file path");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE + "secrets: {dirs: [\"/etc/\\0\"]}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("secrets.dirs[0]: expected a file path");
  }

  @Test
  void aBackupKeyIsAFileOfAtLeast32Characters(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("backup.key"), "a".repeat(64) + "\n");
    Path weak = Files.writeString(dir.resolve("weak.key"), "secret\n");
    NodeConfig c = NodeConfigLoader.parse(dir.resolve("node.yaml"), CONTRACT_EXAMPLE + "backup: {hmac_key_file: backup.key}\n");
    assertThat(c.backupKey()).hasValueSatisfying(key -> assertThat(key).hasSize(64));
    assertThatThrownBy(() -> NodeConfigLoader.parse(dir.resolve("node.yaml"), CONTRACT_EXAMPLE
        + "backup: {hmac_key_file: " + weak + "}\n")).hasMessageContaining("backup.hmac_key_file: expected a key of at"
        + " least 32 characters");
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE).backupKey()).isEmpty();
    assertThat(good).exists();
  }

  @Test
  void aRaftPortBeyondLoopbackNeedsTlsOrASaidOutLoudInsecureMode() throws Exception {
    String open = CONTRACT_EXAMPLE.replaceFirst("raft: 127\\.0\\.0\\.1:9101\n", "raft: 10.0.1.10:9101\n");
    assertThat(open).contains("raft: 10.0.1.10:9101");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, open))
        .hasMessage("/etc/quorumwatch/node.yaml: node.listen.raft: expected a tls section: the Raft port listens on"
            + " 10.0.1.10:9101, beyond this machine, and anyone who reaches it can submit commands to the cluster;"
            + " configure tls (docs/security.md), or cluster.insecure_peers: true if only the cluster's own nodes can"
            + " reach it");
    String insecure = open.replace("  quorum: majority\n", "  quorum: majority\n  insecure_peers: true\n");
    assertThat(NodeConfigLoader.parse(FILE, insecure).tls()).isEmpty();
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE).tls()).as("loopback: the documented example").isEmpty();
  }

  @Test
  void anApiBeyondLoopbackNeedsTokensOrASaidOutLoudInsecureMode() throws Exception {
    String open = CONTRACT_EXAMPLE.replaceFirst("api: 127\\.0\\.0\\.1:9201\n", "api: 0.0.0.0:9201\n");
    assertThat(open).contains("api: 0.0.0.0:9201");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, open))
        .hasMessageContaining("expected an auth section: the API listens on 0.0.0.0:9201");
    assertThat(NodeConfigLoader.parse(FILE, open + "auth: {insecure: true}\n").authenticated()).isFalse();
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, open + "auth:\n  insecure: true\n  tokens:\n"
        + "    - {name: a, role: read, sha256: \"" + "b".repeat(64) + "\"}\n"))
        .hasMessageContaining("auth.insecure: expected either tokens or insecure: true");
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE).authenticated()).as("loopback: the documented example")
        .isFalse();
  }

  @Test
  void deniedNetworksAreListedAsNetworksOrAddresses() throws Exception {
    NodeConfig c = NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE + "deny_networks: [169.254.0.0/16, \"fd00:ec2::254\"]\n");
    assertThat(c.deniedNetworks().networks()).extracting(n -> n.text())
        .containsExactly("0.0.0.0/8", "::/128", "169.254.0.0/16", "fd00:ec2::254");
    assertThat(NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE).deniedNetworks().networks()).extracting(n -> n.text())
        .as("by default: this host and cloud metadata").containsExactly("0.0.0.0/8", "::/128", "169.254.169.254/32",
            "fd00:ec2::254/128");
    assertThatThrownBy(() -> NodeConfigLoader.parse(FILE, CONTRACT_EXAMPLE + "deny_networks: [10.0.0.0/8, 10.0.0.0/40]\n"))
        .hasMessage("/etc/quorumwatch/node.yaml: deny_networks[1]: expected a prefix length from 0 to 32 in '10.0.0.0/40'");
  }
}
