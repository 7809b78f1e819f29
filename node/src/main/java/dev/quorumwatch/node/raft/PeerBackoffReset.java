package dev.quorumwatch.node.raft;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resets the reconnect backoff of this node's connections to its peers (see {@link #now}). */
final class PeerBackoffReset {
  private static final Logger log = LoggerFactory.getLogger(PeerBackoffReset.class);
  private final RaftServer server;
  private final RaftPeerId selfId;
  private final Supplier<Collection<RaftPeer>> peers;
  private volatile boolean peerBackoffResetFailed;
  /** Looked up once: the reset runs at every leadership poll (every 200 ms). */
  private volatile Method resetConnectBackoff;

  PeerBackoffReset(RaftServer server, RaftPeerId selfId, Supplier<Collection<RaftPeer>> peers) {
    this.server = server;
    this.selfId = selfId;
    this.peers = peers;
  }

  /**
   * Makes this node's connections to its peers retry now instead of after gRPC's reconnect
   * backoff, which grows towards two minutes while a peer is down. Ratis resets the backoff
   * only on the leader's replication path, so a candidate whose vote requests failed while
   * a peer was down kept failing them, without trying, for the rest of the backoff after the
   * peer came back; when the candidate held the newest log, the cluster waited that long for
   * a leader (`MajorityLossTest`: 10.7 s after a 30 s outage). Called at every leadership
   * poll, whoever leads, since a follower's connections to the other followers carry only
   * vote requests; a connection that is not backing off is left alone.
   */
  void now() {
    if (!(server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc)) {
      return;
    }
    for (RaftPeer peer : peers.get()) {
      if (peer.getId().equals(selfId)) {
        continue;
      }
      try {
        Object client = rpc.getProxies().getProxy(peer.getId());
        Method reset = resetConnectBackoff;
        if (reset == null || reset.getDeclaringClass() != client.getClass()) {
          // Ratis' peer client class is package-private; its resetConnectBackoff is public.
          reset = client.getClass().getMethod("resetConnectBackoff");
          reset.setAccessible(true);
          resetConnectBackoff = reset;
        }
        reset.invoke(client);
      } catch (IOException | ReflectiveOperationException | RuntimeException e) {
        if (!peerBackoffResetFailed) {
          peerBackoffResetFailed = true;
          log.warn("cannot reset peer reconnect backoff node={} peer={} error=\"{}\"", selfId, peer.getId(), e);
        }
      }
    }
  }

  /** False once resetting a peer's reconnect backoff failed (a Ratis without the method). */
  boolean works() {
    return !peerBackoffResetFailed;
  }
}
