package dev.quorumwatch.node.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges, on the leader, whether a follower is stuck: it answers the leader, yet its commit
 * index stays behind the leader's and does not move while the leader's does. Ratis 3.3.0 can
 * leave a follower so (RATIS-2605, fixed after that release): a heartbeat's reply can raise
 * the leader's idea of what a follower holds past a divergent tail the follower still has,
 * and the leader then never sends the entries that would replace it. Found by `bench chaos
 * --seed 17`: the follower stayed behind for good and the replicas never converged.
 */
final class StuckFollowers {
  /** How long an answering follower's commit index may stand still behind the leader's. */
  static final long STUCK_AFTER_MS = 10_000;

  /** One follower as the leader sees it: its last reported commit index, and whether it answers. */
  record Follower(String id, long commitIndex, boolean answering) {}

  private record Seen(long commitIndex, long sinceMs, long leaderCommitThen, boolean reported) {}

  private final Map<String, Seen> seen = new HashMap<>();

  /** The followers that became stuck with this observation; each is named once per stuck spell. */
  List<String> observe(long nowMs, long leaderCommit, List<Follower> followers) {
    List<String> stuck = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (Follower f : followers) {
      present.add(f.id());
      Seen s = seen.get(f.id());
      // A follower that does not answer is down or cut off, not stuck; one that moves is catching up.
      if (s == null || s.commitIndex() != f.commitIndex() || !f.answering() || f.commitIndex() >= leaderCommit) {
        seen.put(f.id(), new Seen(f.commitIndex(), nowMs, leaderCommit, false));
        continue;
      }
      if (!s.reported() && nowMs - s.sinceMs() >= STUCK_AFTER_MS && leaderCommit > s.leaderCommitThen()) {
        stuck.add(f.id());
        seen.put(f.id(), new Seen(s.commitIndex(), s.sinceMs(), s.leaderCommitThen(), true));
      }
    }
    seen.keySet().retainAll(present);
    return stuck;
  }
}
