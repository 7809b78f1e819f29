package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Tick;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that keeps answering is never judged stuck, however old it is: against a real
 * one-server Raft group on loopback, which leads at once and commits every write.
 */
class RaftWritesAnsweredTest {
  static final RaftPeerId ONLY = RaftPeerId.valueOf("only");

  @TempDir
  Path dir;
  RaftServer server;
  RaftGroup group;
  RaftWrites writes;
  final AtomicInteger clientsCreated = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    int port = FreePorts.next();
    group = RaftGroup.valueOf(RaftGroupId.randomId(),
        List.of(RaftPeer.newBuilder().setId(ONLY).setAddress("127.0.0.1:" + port).build()));
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(props, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(props, port);
    RaftServerConfigKeys.setStorageDir(props, List.of(dir.toFile()));
    server = RaftServer.newBuilder().setServerId(ONLY).setGroup(group).setProperties(props)
        .setStateMachine(new MonitorStateMachine(System::currentTimeMillis)).build();
    server.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> server.getDivision(group.getGroupId()).getInfo().isLeaderReady());
    writes = new RaftWrites(this::newClient, () -> ONLY, null, new MetricRegistry().timer("commit"), ONLY);
  }

  private RaftClient newClient(RaftPeerId leader, long requestTimeoutMs, RetryPolicy retries) {
    RaftProperties props = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(requestTimeoutMs, TimeUnit.MILLISECONDS));
    clientsCreated.incrementAndGet();
    return RaftClient.newBuilder().setProperties(props).setRaftGroup(group).setLeaderId(ONLY).setRetryPolicy(retries).build();
  }

  @AfterEach
  void stop() throws Exception {
    writes.close();
    server.close();
  }

  @Test
  void aClientThatKeepsAnsweringIsKeptWhenAWriteTimesOutLongAfterItWasMade() throws Exception {
    Command tick = Command.newBuilder().setTick(Tick.getDefaultInstance()).build();
    long madeNs = System.nanoTime();
    // Commits for longer than the stuck time: each answer counts, not the client's age.
    while (System.nanoTime() - madeNs < TimeUnit.MILLISECONDS.toNanos(RaftWrites.STUCK_AFTER_MS + 500)) {
      writes.submit(tick).get(10, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> writes.submit(tick, 0).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
    assertThat(clientsCreated).as("the client that answered a moment ago is kept").hasValue(1);
    writes.submit(tick).get(10, TimeUnit.SECONDS);
  }
}
