package dev.quorumwatch.bench;

import dev.quorumwatch.harness.cluster.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * What each node of a long run costs over time, sampled from outside: CPU (cores over the last
 * period), RSS, the Raft log on disk and the largest snapshot. A soak is judged by these being
 * flat (no leak) and bounded (the log compacts), not by a single end figure.
 */
public final class ResourceTimeline implements AutoCloseable {
  /** One node at one moment; {@code cores} is -1 for a node that is down or was restarted since the last sample. */
  public record Sample(long atMs, int node, double cores, long rssBytes, long raftLogBytes, long snapshotBytes) {}

  private final LocalCluster cluster;
  private final long periodMs;
  private final long startMs = System.currentTimeMillis();
  private final long[] lastPid;
  private final long[] lastCpuNanos;
  private final long[] lastAtNanos;
  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private final Thread sampler;

  public ResourceTimeline(LocalCluster cluster, long periodMs) {
    this.cluster = cluster;
    this.periodMs = periodMs;
    this.lastPid = new long[cluster.size()];
    this.lastCpuNanos = new long[cluster.size()];
    this.lastAtNanos = new long[cluster.size()];
    this.sampler = new Thread(this::run, "qw-bench-resources");
    this.sampler.setDaemon(true);
    sampleAll(); // the baseline each node's first CPU figure is measured against
    this.sampler.start();
  }

  /** A sample period for a run of {@code durationMs}: about 24 rows, at least every 10 s. */
  public static long periodFor(long durationMs) {
    return Math.max(10_000, durationMs / 24);
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(periodMs);
        sampleAll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sampleAll() {
    long at = System.currentTimeMillis() - startMs;
    for (int i = 0; i < cluster.size(); i++) {
      long pid = cluster.isRunning(i) ? cluster.pid(i) : -1;
      long cpu = pid > 0 ? NodeSampler.cpuNanos(pid) : 0;
      long now = System.nanoTime();
      double cores = pid > 0 && pid == lastPid[i] && lastAtNanos[i] != 0
          ? (cpu - lastCpuNanos[i]) / (double) (now - lastAtNanos[i]) : -1;
      lastPid[i] = pid;
      lastCpuNanos[i] = cpu;
      lastAtNanos[i] = now;
      samples.add(new Sample(at, i, cores, pid > 0 ? NodeSampler.rssBytes(pid) : -1,
          raftLogBytes(cluster.dataDir(i)), NodeSampler.largestSnapshotBytes(cluster.dataDir(i))));
    }
  }

  /** Stops sampling after one last sample. */
  @Override
  public void close() {
    sampler.interrupt();
    try {
      sampler.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sampleAll();
  }

  public List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** Ratis' log segments: closed {@code log_A-B} and the open {@code log_inprogress_A}. */
  static long raftLogBytes(Path dataDir) {
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("log_")).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0; // the directory changed under the walk (a segment rolled or was purged): the next sample counts it
    }
  }

  /** One line per sample time: each node's cores, RSS, Raft log and snapshot. */
  public static List<String> table(List<Sample> samples, int nodes) {
    List<String> lines = new ArrayList<>();
    StringBuilder head = new StringBuilder(String.format("%8s", "min"));
    for (int n = 0; n < nodes; n++) {
      head.append(String.format(" | node %d: cores  RSS MiB  log MiB  snap KiB", n));
    }
    lines.add(head.toString());
    for (int i = 0; i + nodes <= samples.size(); i += nodes) {
      StringBuilder row = new StringBuilder(String.format("%8.1f", samples.get(i).atMs() / 60_000.0));
      for (int n = 0; n < nodes; n++) {
        Sample s = samples.get(i + n);
        row.append(String.format(" | %13s %8.0f %8.1f %9.0f", s.cores() < 0 ? "-" : String.format("%.3f", s.cores()),
            s.rssBytes() / 1048576.0, s.raftLogBytes() / 1048576.0, s.snapshotBytes() / 1024.0));
      }
      lines.add(row.toString());
    }
    return lines;
  }
}
