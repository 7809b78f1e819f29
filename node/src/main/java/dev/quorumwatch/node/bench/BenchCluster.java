package dev.quorumwatch.node.bench;

import dev.quorumwatch.proto.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One benchmark setup: a local cluster, the simulated targets and the webhook sink; closes all three. */
final class BenchCluster implements AutoCloseable {
  final LocalCluster cluster;
  final SimTargetServer targets;
  final WebhookSink sink;

  BenchCluster(int nodes, int targetCount, boolean keep) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("quorumwatch-bench-");
    this.cluster = new LocalCluster(dir, !keep, nodes, "bench", "");
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
      targets.close();
      sink.close();
    }
  }
}
