package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replaced client writes on the connections its predecessor opened. The group is a real
 * one-server Raft group on loopback, reached through a forwarder that counts the connections
 * made to it, and a second member that never answers (where a client may be pointed).
 */
class RaftWritesConnectionsTest {
  static final RaftPeerId LEADER = RaftPeerId.valueOf("leader");
  static final RaftPeerId SILENT = RaftPeerId.valueOf("silent");
  static final Command TICK = Command.newBuilder().setTick(Tick.getDefaultInstance()).build();

  @TempDir
  Path dir;
  RaftServer server;
  ServerSocket silent;
  ServerSocket forwarder;
  final List<Socket> forwarded = new ArrayList<>();
  final AtomicInteger connectionsToLeader = new AtomicInteger();
  final AtomicReference<RaftPeerId> followed = new AtomicReference<>(LEADER);
  final AtomicInteger clientsCreated = new AtomicInteger();
  ClientConnections connections;
  RaftWrites writes;

  @BeforeEach
  void start() throws Exception {
    int serverPort = FreePorts.next();
    forwarder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    RaftGroup serverGroup = RaftGroup.valueOf(RaftGroupId.randomId(),
        List.of(RaftPeer.newBuilder().setId(LEADER).setAddress("127.0.0.1:" + serverPort).build()));
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(props, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(props, serverPort);
    RaftServerConfigKeys.setStorageDir(props, List.of(dir.toFile()));
    server = RaftServer.newBuilder().setServerId(LEADER).setGroup(serverGroup).setProperties(props)
        .setStateMachine(new MonitorStateMachine(System::currentTimeMillis)).build();
    server.start();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> server.getDivision(serverGroup.getGroupId()).getInfo().isLeaderReady());
    daemon(() -> forward(serverPort));

    // What the clients know: the leader behind the forwarder, and the silent member.
    RaftGroup clientGroup = RaftGroup.valueOf(serverGroup.getGroupId(), List.of(
        RaftPeer.newBuilder().setId(LEADER).setAddress("127.0.0.1:" + forwarder.getLocalPort()).build(),
        RaftPeer.newBuilder().setId(SILENT).setAddress("127.0.0.1:" + silent.getLocalPort()).build()));
    RaftProperties clientProps = new RaftProperties();
    RaftConfigKeys.Rpc.setType(clientProps, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(clientProps,
        TimeDuration.valueOf(RaftWrites.CLIENT_REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    connections = new ClientConnections(clientProps, new Parameters());
    writes = new RaftWrites((leader, retries) -> {
      clientsCreated.incrementAndGet();
      return connections.newClient(clientGroup, leader, retries);
    }, followed::get, null, new MetricRegistry().timer("commit"), LEADER);
  }

  /** Accepts connections for the leader, counts them, and copies bytes both ways. */
  private void forward(int serverPort) {
    try {
      while (true) {
        Socket in = forwarder.accept();
        connectionsToLeader.incrementAndGet();
        Socket out = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        synchronized (forwarded) {
          forwarded.add(in);
          forwarded.add(out);
        }
        daemon(() -> copy(in, out));
        daemon(() -> copy(out, in));
      }
    } catch (IOException closed) {
      // the test is over
    }
  }

  private static void daemon(Runnable task) {
    Thread t = new Thread(task, "test-forwarder");
    t.setDaemon(true);
    t.start();
  }

  private static void copy(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException closed) {
      // either side closed
    }
  }

  @AfterEach
  void stop() throws Exception {
    writes.close();
    connections.close();
    server.close();
    forwarder.close();
    silent.close();
    synchronized (forwarded) {
      for (Socket s : forwarded) {
        s.close();
      }
    }
  }

  @Test
  void aReplacedClientWritesOnTheConnectionItsPredecessorOpened() throws Exception {
    writes.submit(TICK).get(10, TimeUnit.SECONDS);
    assertThat(connectionsToLeader).hasValue(1);

    // The node follows another leader, then the first again: two fresh clients.
    followed.set(SILENT);
    writes.writeToCurrentLeader();
    followed.set(LEADER);
    writes.writeToCurrentLeader();
    assertThat(clientsCreated).hasValue(3);

    writes.submit(TICK).get(10, TimeUnit.SECONDS);
    assertThat(connectionsToLeader).as("no new connection for the third client").hasValue(1);
  }

  @Test
  void aWriteThatTimedOutAtTheLeaderKeepsItsClientAndConnection() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(writes.submit(TICK, 0)).failsWithin(Duration.ofSeconds(10));
      assertThat(writes.submit(TICK).get(10, TimeUnit.SECONDS).getAccepted()).isTrue();
    }
    assertThat(clientsCreated).as("a slow write keeps a client that addresses the leader").hasValue(1);
    assertThat(connectionsToLeader).hasValue(1);
  }
}
