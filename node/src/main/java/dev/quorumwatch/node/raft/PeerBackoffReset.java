package dev.quorumwatch.node.raft;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.function.Predicate;
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
  /** Silent followers are retried once a second: one refused connection a second per follower that is down. */
  static final long FOLLOWER_RESET_EVERY_MS = 1_000;
  private final RaftServer server;
  private final RaftPeerId selfId;
  private final Supplier<Collection<RaftPeer>> peers;
  private volatile boolean peerBackoffResetFailed;
  /** Looked up once: the reset runs every 200 ms while there is no leader. */
  private volatile Method resetConnectBackoff;
  private volatile long lastFollowerResetMs;

  PeerBackoffReset(RaftServer server, RaftPeerId selfId, Supplier<Collection<RaftPeer>> peers) {
    this.server = server;
    this.selfId = selfId;
    this.peers = peers;
  }

  /**
   * Makes this node's connections to its peers retry now instead of after gRPC's reconnect
   * backoff, which grows towards two minutes while a peer is down. Nothing resets it for
   * vote requests, so a candidate whose vote requests failed while a peer was down kept failing them, without trying, for the rest of the backoff after the
   * peer came back; when the candidate held the newest log, the cluster waited that long for
   * a leader (`MajorityLossTest`: 10.7 s after a 30 s outage). Called while there is no
   * leader; a connection that is not backing off is left alone.
   */
  void now() {
    reset(peer -> true);
  }

  /**
   * Makes this leader's connections to {@code followerIds} retry now, at most once a second.
   * A follower that came up after the leader's first attempts to reach it failed otherwise
   * waited out the backoff before it heard from the leader: started 25 s after the other two,
   * it followed 11 s after its start, against 3 s for one started at once; all that time its
   * log and state fell behind, and a leader crash then would have had one current follower.
   */
  void soon(Collection<String> followerIds, long nowMs) {
    if (followerIds.isEmpty() || nowMs - lastFollowerResetMs < FOLLOWER_RESET_EVERY_MS) {
      return;
    }
    lastFollowerResetMs = nowMs;
    reset(peer -> followerIds.contains(peer.toString()));
  }

  private void reset(Predicate<RaftPeerId> which) {
    if (!(server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc)) {
      return;
    }
    for (RaftPeer peer : peers.get()) {
      if (peer.getId().equals(selfId) || !which.test(peer.getId())) {
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
