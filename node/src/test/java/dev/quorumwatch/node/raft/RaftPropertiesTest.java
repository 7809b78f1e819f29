package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** What node.yaml sets in the Raft server, and what we change from Ratis' defaults. */
class RaftPropertiesTest {
  static final String NODE_YAML = """
      node:
        id: us-west
        data_dir: ./data
        listen: {raft: 127.0.0.1:9101, api: 127.0.0.1:9201, http: 127.0.0.1:9301}
      cluster:
        id: demo
        election_timeout: 1500ms
        peers:
          - {id: us-west, raft: 127.0.0.1:9101, api: 127.0.0.1:9201}
      """;

  @Test
  void electionTimeoutsComeFromNodeYamlAndAStepDownWaitsOneSecond() throws Exception {
    NodeConfig config = NodeConfigLoader.parse(Path.of("/etc/quorumwatch/node.yaml"), NODE_YAML);
    RaftProperties props = RaftNode.serverProperties(config);
    assertThat(RaftServerConfigKeys.Rpc.timeoutMin(props).toLong(TimeUnit.MILLISECONDS)).isEqualTo(1500);
    assertThat(RaftServerConfigKeys.Rpc.timeoutMax(props).toLong(TimeUnit.MILLISECONDS)).isEqualTo(3000);
    assertThat(RaftServerConfigKeys.LeaderElection.leaderStepDownWaitTime(props).toLong(TimeUnit.MILLISECONDS))
        .as("Ratis' 10 s left a majority leaderless behind an old leader holding the newest log").isEqualTo(1000);
  }
}
