package dev.quorumwatch.node.raft;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.ClientFactory;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicy;

/**
 * This node's connections to the members for its writes, shared by every Raft client
 * RaftWrites makes in turn. A Ratis client otherwise opens connections of its own, so a
 * client made after a leader change paid a new connection (a TCP and an HTTP/2 handshake,
 * two round trips: ~0.5 s to a leader across the Pacific) before its first write went.
 * Sharing is safe because those clients send unordered requests only: each request stands
 * alone in the stream, where an ordered stream's sequence belongs to one client.
 */
final class ClientConnections implements AutoCloseable {
  private final RaftProperties clientProperties;
  private final Parameters parameters;
  private final RaftClientRpc connections;

  ClientConnections(RaftProperties clientProperties, Parameters parameters) {
    this.clientProperties = clientProperties;
    this.parameters = parameters;
    ClientFactory factory = ClientFactory.cast(RaftConfigKeys.Rpc.type(clientProperties, null).newFactory(parameters));
    this.connections = factory.newRaftClientRpc(ClientId.randomId(), clientProperties);
  }

  /** A client on these connections; {@code leader}: where its first request goes, null to let it find out. */
  RaftClient newClient(RaftGroup group, RaftPeerId leader, RetryPolicy retries) {
    return RaftClient.newBuilder()
        .setProperties(clientProperties)
        .setParameters(parameters)
        .setRaftGroup(group)
        .setLeaderId(leader)
        .setRetryPolicy(retries)
        .setClientRpc(forClient())
        .build();
  }

  /** For one client: everything goes to the shared connections, but closing the client leaves them open. */
  private RaftClientRpc forClient() {
    return new RaftClientRpc() {
      @Override
      public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
        return connections.sendRequestAsync(request);
      }

      @Override
      public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
        return connections.sendRequestAsyncUnordered(request);
      }

      @Override
      public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
        return connections.sendRequest(request);
      }

      @Override
      public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
        return connections.handleException(serverId, t, reconnect);
      }

      @Override
      public boolean shouldReconnect(Throwable e) {
        return connections.shouldReconnect(e);
      }

      @Override
      public void addRaftPeers(Collection<RaftPeer> peers) {
        connections.addRaftPeers(peers);
      }

      @Override
      public void close() {
        // the connections outlive the client
      }
    };
  }

  @Override
  public void close() throws IOException {
    connections.close();
  }
}
