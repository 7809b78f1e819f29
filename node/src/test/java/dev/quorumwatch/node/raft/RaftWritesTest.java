package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Tick;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a write that timed out replaces this node's Raft client. The two peers are loopback
 * sockets that accept connections and never answer, so every write times out, and Ratis'
 * client, whose own request timeout is a second, still addresses the peer it started with
 * when a shorter timeout runs out.
 */
class RaftWritesTest {
  static final RaftPeerId A = RaftPeerId.valueOf("a");
  static final RaftPeerId B = RaftPeerId.valueOf("b");
  static final long QUICK_MS = 200;

  final List<ServerSocket> silentPeers = new ArrayList<>();
  final List<RaftClient> created = new ArrayList<>();
  final AtomicReference<RaftPeerId> followed = new AtomicReference<>(A);
  /** The leader this node's own server follows, as RaftWrites asks for it. */
  volatile Supplier<RaftPeerId> followedLeader = followed::get;
  RaftGroup group;
  RaftWrites writes;

  @BeforeEach
  void start() throws Exception {
    List<RaftPeer> peers = new ArrayList<>();
    for (RaftPeerId id : List.of(A, B)) {
      ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      silentPeers.add(silent);
      peers.add(RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + silent.getLocalPort()).build());
    }
    group = RaftGroup.valueOf(RaftGroupId.randomId(), peers);
    writes = new RaftWrites(this::newClient, () -> followedLeader.get(), null, new MetricRegistry().timer("commit"), A);
  }

  private synchronized RaftClient newClient(RaftPeerId leader, RetryPolicy retries) {
    RaftProperties props = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(props,
        TimeDuration.valueOf(RaftWrites.CLIENT_REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    RaftClient client = RaftClient.newBuilder().setProperties(props).setRaftGroup(group)
        .setLeaderId(leader != null ? leader : A).setRetryPolicy(retries).build();
    created.add(client);
    return client;
  }

  private synchronized int clientsCreated() {
    return created.size();
  }

  private synchronized RaftClient newest() {
    return created.get(created.size() - 1);
  }

  @AfterEach
  void stop() throws Exception {
    for (ServerSocket s : silentPeers) {
      s.close(); // first: resets the connections waiting on them, so the clients close at once
    }
    writes.close();
  }

  private void submitAndExpectTimeout(long answerTimeoutMs) {
    Command command = Command.newBuilder().setTick(Tick.getDefaultInstance()).build();
    assertThatThrownBy(() -> writes.submit(command, answerTimeoutMs).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void aQuickTimeoutKeepsAClientThatAddressesTheFollowedLeader() {
    submitAndExpectTimeout(QUICK_MS);
    // Slow, not lost: a fresh client would have to connect again and start over.
    assertThat(clientsCreated()).isEqualTo(1);
    assertThat(newest().getLeaderId()).isEqualTo(A);
  }

  @Test
  void aQuickTimeoutReplacesAClientThatAddressesAnotherServerOrAnyWhileNoLeaderIsFollowed() {
    followed.set(B);
    submitAndExpectTimeout(QUICK_MS);
    assertThat(clientsCreated()).isEqualTo(2);
    assertThat(newest().getLeaderId()).as("the new client starts at the followed leader").isEqualTo(B);

    followed.set(null);
    submitAndExpectTimeout(QUICK_MS);
    assertThat(clientsCreated()).isEqualTo(3);
  }
}
