package dev.quorumwatch.bench;

import dev.quorumwatch.node.raft.RaftSettings;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * The floor under a quiet node: a Ratis server with the node's transport and election
 * timeout whose state machine only counts, and a client that writes one command at once (so
 * the group is seen to commit) and then one every {@code writeEveryMs}, as a quiet node
 * writes its heartbeat. It prints {@code applied=N}
 * every second. Arguments: index, the three Raft ports (comma-separated), data directory,
 * election timeout in ms, write interval in ms.
 */
public final class BareRatisNode {
  /** About the size of a quiet node's heartbeat report. */
  static final int COMMAND_BYTES = 64;

  private BareRatisNode() {}

  /** Counts what it applies; nothing else. */
  static final class CountingStateMachine extends BaseStateMachine {
    final AtomicLong applied = new AtomicLong();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      updateLastAppliedTermIndex(trx.getLogEntry().getTerm(), trx.getLogEntry().getIndex());
      applied.incrementAndGet();
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }

  public static void main(String[] args) throws Exception {
    int index = Integer.parseInt(args[0]);
    String[] ports = args[1].split(",");
    File dataDir = new File(args[2]);
    long electionTimeoutMs = Long.parseLong(args[3]);
    long writeEveryMs = Long.parseLong(args[4]);

    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      peers.add(RaftPeer.newBuilder().setId("n" + i).setAddress("127.0.0.1:" + ports[i]).build());
    }
    RaftGroup group = RaftGroup.valueOf(
        RaftGroupId.valueOf(UUID.nameUUIDFromBytes("bare-ratis".getBytes(StandardCharsets.UTF_8))), peers);
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(props, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(props, Integer.parseInt(ports[index]));
    RaftServerConfigKeys.setStorageDir(props, List.of(dataDir));
    RaftSettings.setElectionTimeout(props, electionTimeoutMs);
    CountingStateMachine counter = new CountingStateMachine();
    RaftServer server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf("n" + index)).setGroup(group)
        .setProperties(props).setStateMachine(counter).build();
    server.start();

    RaftClient client = RaftClient.newBuilder().setRaftGroup(group).setProperties(new RaftProperties()).build();
    Message command = Message.valueOf("x".repeat(COMMAND_BYTES));
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    timer.scheduleAtFixedRate(() -> client.async().send(command), 0, writeEveryMs, TimeUnit.MILLISECONDS);
    timer.scheduleAtFixedRate(() -> System.out.println("applied=" + counter.applied.get()), 1, 1, TimeUnit.SECONDS);
  }
}
