package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.backup.BackupFiles;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.RestoreState;
import dev.quorumwatch.proto.Tick;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft log as configured for a node (its write buffer sized to the largest entry Ratis
 * accepts, {@link RaftPropertiesTest}): the largest command a node hands to Raft (the API
 * refuses larger ones, a restore is smaller) is logged, and one over Ratis' limit is refused
 * without harming the server. A real one-server group.
 */
class RaftLogLimitsTest {
  static final Command TICK = Command.newBuilder().setTick(Tick.getDefaultInstance()).build();

  @TempDir
  Path dir;
  RaftNode node;
  MonitorStateMachine state;

  @BeforeEach
  void start() throws Exception {
    int raft = FreePorts.next();
    int api = FreePorts.next();
    String yaml = """
        node:
          id: n1
          data_dir: %s
          listen: {raft: 127.0.0.1:%d, api: 127.0.0.1:%d, http: 127.0.0.1:%d}
        cluster:
          id: log-limits
          peers:
            - {id: n1, raft: 127.0.0.1:%d, api: 127.0.0.1:%d}
        """.formatted(dir.resolve("n1"), raft, api, FreePorts.next(), raft, api);
    state = new MonitorStateMachine(System::currentTimeMillis);
    node = new RaftNode(NodeConfigLoader.parse(dir.resolve("n1.yaml"), yaml), state, false, new MetricRegistry());
    node.start();
    await().atMost(Duration.ofSeconds(30)).until(node::isLeaderReady);
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  @Test
  void theLargestCommandANodeSendsIsLoggedAndALargerOneIsRefusedWhileTheServerGoesOn() throws Exception {
    assertThat(restoreOf(BackupFiles.MAX_STATE_BYTES).getSerializedSize()).as("the largest restore")
        .isLessThanOrEqualTo(RaftSettings.COMMAND_BYTES_MAX);
    Command largest = restoreOf(RaftSettings.COMMAND_BYTES_MAX - restoreOf(0).getSerializedSize() - 16);
    assertThat(largest.getSerializedSize()).isBetween(RaftSettings.COMMAND_BYTES_MAX - 16, RaftSettings.COMMAND_BYTES_MAX);
    CommandReply restore = node.submit(largest).get(30, TimeUnit.SECONDS);
    assertThat(restore.getLogIndex()).as("committed (the state machine may refuse the made-up state)").isPositive();
    await().atMost(Duration.ofSeconds(10)).until(() -> state.appliedIndex() >= restore.getLogIndex());

    long limit = RaftServerConfigKeys.Log.Appender.bufferByteLimit(RaftSettings.serverProperties(node.config())).getSize();
    assertThatThrownBy(() -> node.submit(restoreOf((int) limit + 1)).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .rootCause().hasMessageContaining("exceeds the max buffer limit");

    CommandReply after = node.submit(TICK).get(30, TimeUnit.SECONDS);
    assertThat(after.getLogIndex()).isGreaterThan(restore.getLogIndex());
    assertThat(node.isLeaderReady()).isTrue();
  }

  private static Command restoreOf(int bytes) {
    return Command.newBuilder().setRestoreState(RestoreState.newBuilder().setBackupId("made-up")
        .setState(ByteString.copyFrom(new byte[bytes]))).build();
  }
}
