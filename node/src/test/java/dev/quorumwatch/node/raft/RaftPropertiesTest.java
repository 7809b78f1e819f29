package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.node.testing.NodeYamls;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.retry.RetryPolicy;
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

  @Test
  void aLeaderTriesAFollowerThatWasAwayEveryHalfSecond() throws Exception {
    RaftProperties props = RaftSettings.serverProperties(NodeConfigLoader.parse(Path.of("node.yaml"), NodeYamls.ONE_NODE));
    RetryPolicy policy = RetryPolicy.parse(RaftServerConfigKeys.Log.Appender.retryPolicy(props), "appender");
    // Ratis draws each sleep between half and one and a half times the one configured.
    assertThat(sleepAfterFailures(policy, 5)).isLessThanOrEqualTo(2);
    assertThat(sleepAfterFailures(policy, 40)).as("Ratis' default: 2.5-7.5 s").isBetween(250L, 750L);
    assertThat(sleepAfterFailures(policy, 1_000_000)).as("a follower away for days").isBetween(250L, 750L);
  }

  @Test
  void theLogWritesNoMetadataEntriesThroughABufferThatHoldsTheLargestEntryRatisAcceptsAndNoMore() throws Exception {
    RaftProperties props = RaftSettings.serverProperties(NodeConfigLoader.parse(Path.of("node.yaml"), NodeYamls.ONE_NODE));
    long largestEntry = RaftServerConfigKeys.Log.Appender.bufferByteLimit(props).getSize();
    long buffer = RaftServerConfigKeys.Log.writeBufferSize(props).getSize();
    assertThat(buffer).isGreaterThan(largestEntry).isLessThan(RaftServerConfigKeys.Log.WRITE_BUFFER_SIZE_DEFAULT.getSize());
    assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(props)).as("no metadata entry after each commit").isFalse();
  }

  private static long sleepAfterFailures(RetryPolicy policy, int failures) {
    return policy.handleAttemptFailure(() -> failures).getSleepTime().toLong(TimeUnit.MILLISECONDS);
  }
}
