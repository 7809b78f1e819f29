package dev.quorumwatch.harness.faults;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.proto.MemberStatus;
import dev.quorumwatch.proto.StatusResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

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

  RestartedNodes(LocalCluster cluster, ChaosLog log) {
    this.cluster = cluster;
    this.log = log;
    this.rejoiningSince = new AtomicLongArray(cluster.size());
  }

  void start(int node) throws IOException {
    long startedAt = System.currentTimeMillis();
    cluster.start(node);
    rejoiningSince.set(node, startedAt);
    log.rejoining(node, true, startedAt);
  }

  /** Ends the rejoining of every started node whose report {@code leader} has applied since. */
  void noteReports(int leader) {
    List<MemberStatus> members = null;
    for (int i = 0; i < rejoiningSince.length(); i++) {
      long since = rejoiningSince.get(i);
      if (since == 0) {
        continue;
      }
      if (members == null) {
        members = cluster.status(leader).map(StatusResponse::getMembersList).orElse(List.of());
      }
      String id = cluster.id(i);
      long reportedAt = members.stream().filter(m -> m.getId().equals(id)).mapToLong(MemberStatus::getLastHeartbeatMs)
          .findFirst().orElse(0);
      if (reportedAt >= since && rejoiningSince.compareAndSet(i, since, 0)) {
        log.rejoining(i, false, reportedAt);
        log.event(reportedAt, id + " reported again, " + (reportedAt - since) + " ms after its start");
      }
    }
  }
}
