package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.node.testing.NodeYamls;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** What node.yaml sets in the Raft server, and what we change from Ratis' defaults. */
class RaftPropertiesTest {
  @Test
  void electionTimeoutsComeFromNodeYamlAndAStepDownWaitsOneSecond() throws Exception {
    NodeConfig config = NodeConfigLoader.parse(Path.of("/etc/quorumwatch/node.yaml"),
        NodeYamls.ONE_NODE + "  election_timeout: 1500ms\n");
    RaftProperties props = RaftSettings.serverProperties(config);
    assertThat(RaftServerConfigKeys.Rpc.timeoutMin(props).toLong(TimeUnit.MILLISECONDS)).isEqualTo(1500);
    assertThat(RaftServerConfigKeys.Rpc.timeoutMax(props).toLong(TimeUnit.MILLISECONDS)).isEqualTo(3000);
    assertThat(RaftServerConfigKeys.LeaderElection.leaderStepDownWaitTime(props).toLong(TimeUnit.MILLISECONDS))
        .as("Ratis' 10 s left a majority leaderless behind an old leader holding the newest log").isEqualTo(1000);
  }
}
