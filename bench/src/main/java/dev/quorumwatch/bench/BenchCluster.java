package dev.quorumwatch.bench;

import dev.quorumwatch.harness.cluster.ClusterNetwork;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.links.LinkProxies;
import dev.quorumwatch.harness.links.WanProfile;
import dev.quorumwatch.harness.targets.SimTargetServer;
import dev.quorumwatch.harness.targets.WebhookSink;
import dev.quorumwatch.proto.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One benchmark setup: a local cluster (its Raft links through delaying proxies when the
 * network is not loopback), the simulated targets and the webhook sink; closes them all.
 */
final class BenchCluster implements AutoCloseable {
  final LocalCluster cluster;
  final SimTargetServer targets;
  final WebhookSink sink;
  private final LinkProxies links;

  BenchCluster(int nodes, int targetCount, boolean keep) throws IOException, InterruptedException {
    this(nodes, targetCount, keep, ClusterNetwork.LOOPBACK);
  }

  BenchCluster(int nodes, int targetCount, boolean keep, ClusterNetwork network) throws IOException, InterruptedException {
    WanProfile wan = network.profile(nodes);
    Path dir = Files.createTempDirectory("quorumwatch-bench-");
    this.cluster = new LocalCluster(dir, !keep, nodes, "bench", network.clusterYaml());
    if (wan.isLoopback()) {
      this.links = null;
    } else {
      this.links = new LinkProxies(cluster.ids(), cluster.raftPorts(), i -> cluster.isRunning(i) ? cluster.pid(i) : -1L,
          wan);
      for (int i = 0; i < nodes; i++) {
        cluster.advertiseRaftPort(i, links.advertisedPort(i));
      }
    }
    this.targets = new SimTargetServer(targetCount, 5_000);
    this.sink = new WebhookSink();
  }

  void start() throws IOException, InterruptedException {
    cluster.startAll();
    cluster.awaitLeader(60_000);
  }

  /** Targets bench-0 ... bench-(n-1), one per simulated endpoint, and the sink as receiver. */
  String monitors(int count, long intervalMs, long timeoutMs, int threshold) {
    StringBuilder yaml = new StringBuilder("targets:\n");
    for (int i = 0; i < count; i++) {
      yaml.append("  - id: bench-").append(i).append('\n')
          .append("    http: {url: \"").append(targets.url(i)).append("\"}\n")
          .append("    interval: ").append(intervalMs).append("ms\n")
          .append("    timeout: ").append(timeoutMs).append("ms\n")
          .append("    failure_threshold: ").append(threshold).append('\n')
          .append("    recovery_threshold: ").append(threshold).append('\n');
    }
    yaml.append("receivers:\n  - id: sink\n    webhook: {url: \"").append(sink.url()).append("\"}\n");
    return yaml.toString();
  }

  boolean awaitAll(Verdict verdict, long timeoutMs) throws InterruptedException {
    return cluster.awaitAllTargets(verdict, timeoutMs);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      cluster.close();
    } finally {
      if (links != null) {
        links.close();
      }
      targets.close();
      sink.close();
    }
  }
}
