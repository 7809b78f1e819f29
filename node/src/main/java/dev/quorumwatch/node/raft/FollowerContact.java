package dev.quorumwatch.node.raft;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;

/** What a leader knows of its followers' answers, as Ratis reports it: who answered lately, and how far each got. */
final class FollowerContact {
  /** A follower this leader heard from within this long counts as reachable. */
  static final long REACHABLE_MS = 1_000;

  /** A follower of this leader, and how long since it last answered. */
  record FollowerRpc(String id, long silentMs) {
    boolean reachable() {
      return silentMs <= REACHABLE_MS;
    }
  }

  private FollowerContact() {}

  /** This leader's followers, in Ratis' order (the order of its per-follower index arrays). */
  static List<FollowerRpc> followers(DivisionInfo leader) {
    return leader.getRoleInfoProto().getLeaderInfo().getFollowerInfoList().stream()
        .map(f -> new FollowerRpc(RaftPeerId.valueOf(f.getId().getId()).toString(), f.getLastRpcElapsedTimeMs()))
        .toList();
  }

  /** Each reachable follower's match index (how much of this leader's log it holds). */
  static Map<String, Long> reachableMatchIndices(DivisionInfo leader) {
    Map<String, Long> matchIndex = new HashMap<>();
    List<FollowerRpc> followers = followers(leader);
    long[] matches = leader.getFollowerMatchIndices(); // in the same order as the followers
    for (int f = 0; f < Math.min(followers.size(), matches.length); f++) {
      if (followers.get(f).reachable()) {
        matchIndex.put(followers.get(f).id(), matches[f]);
      }
    }
    return matchIndex;
  }
}
