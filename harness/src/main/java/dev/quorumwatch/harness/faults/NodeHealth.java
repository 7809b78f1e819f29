package dev.quorumwatch.harness.faults;

import java.util.HashSet;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;

/**
 * Which nodes can take part, and which are cut off from a majority, given the faults in force:
 * the ground truth the checker judges pages and deliveries against.
 *
 * <p>{@code alive}: running and not paused.
 *
 * @param unable nodes that cannot help form a majority: down, paused, or without a majority of
 *     nodes they reach both ways. A node restarting (until its first report commits) does not
 *     count towards another's majority: its Raft server may not be up yet (on a loaded machine a
 *     restarted node took 4-6 s to start, and 11 s to its first report: the seventh soak).
 * @param cutOff nodes that cannot lead: a leader needs only its own connections (its requests
 *     and their answers travel on the link it opened), so a cut the other way does not depose
 *     it, and a restarting follower that answers it counts.
 */
record NodeHealth(Set<Integer> unable, Set<Integer> cutOff) {
  static NodeHealth of(int nodes, int quorum, IntPredicate alive, IntPredicate rejoining,
      BiPredicate<Integer, Integer> linkCut) {
    Set<Integer> unable = new HashSet<>();
    Set<Integer> cutOff = new HashSet<>();
    for (int i = 0; i < nodes; i++) {
      int reachable = 1;
      int canLead = 1;
      for (int j = 0; j < nodes; j++) {
        if (j == i || !alive.test(j) || linkCut.test(i, j)) {
          continue;
        }
        canLead++;
        if (!linkCut.test(j, i) && !rejoining.test(j)) {
          reachable++;
        }
      }
      if (!alive.test(i) || reachable < quorum) {
        unable.add(i);
      }
      if (canLead < quorum) {
        cutOff.add(i);
      }
    }
    return new NodeHealth(Set.copyOf(unable), Set.copyOf(cutOff));
  }
}
