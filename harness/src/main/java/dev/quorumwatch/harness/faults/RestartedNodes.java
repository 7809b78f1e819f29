package dev.quorumwatch.harness.faults;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.proto.MemberStatus;
import dev.quorumwatch.proto.StatusResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

/**
 * Starts stopped nodes and records, in the {@link ChaosLog}, the time each needs before it can
 * vote: a new process first starts its JVM, catches up with the log and probes, and until a
 * report of it commits, the cluster has nothing from it to count.
 */
final class RestartedNodes {
  private final LocalCluster cluster;
  private final ChaosLog log;
  /** Per node, when it was started, while no report of it has committed since; 0 otherwise. */
  private final AtomicLongArray rejoiningSince;
  /** Told when a node stops rejoining: it counts towards the others' majority again. */
  private final Runnable rejoined;

  RestartedNodes(LocalCluster cluster, ChaosLog log, Runnable rejoined) {
    this.cluster = cluster;
    this.log = log;
    this.rejoiningSince = new AtomicLongArray(cluster.size());
    this.rejoined = rejoined;
  }

  boolean isRejoining(int node) {
    return rejoiningSince.get(node) != 0;
  }

  void start(int node) throws IOException {
    long startedAt = System.currentTimeMillis();
    cluster.start(node);
    rejoiningSince.set(node, startedAt);
    log.rejoining(node, true, startedAt);
  }

  /** Ends the rejoining of every started node whose report the leader ({@code leaderStatus}) has applied since. */
  void noteReports(StatusResponse leaderStatus) {
    for (MemberStatus m : leaderStatus.getMembersList()) {
      int i = LocalCluster.indexOf(m.getId());
      long since = i < 0 ? 0 : rejoiningSince.get(i);
      long reportedAt = m.getLastHeartbeatMs();
      if (since != 0 && reportedAt >= since && rejoiningSince.compareAndSet(i, since, 0)) {
        log.rejoining(i, false, reportedAt);
        log.event(reportedAt, m.getId() + " reported again, " + (reportedAt - since) + " ms after its start");
        rejoined.run();
      }
    }
  }

  /** After {@code converged} (a status once every node is fresh) is noted: the nodes still counted as rejoining. */
  List<String> stillRejoining(StatusResponse converged) {
    noteReports(converged);
    return IntStream.range(0, rejoiningSince.length()).filter(i -> rejoiningSince.get(i) != 0).mapToObj(cluster::id).toList();
  }
}
