package dev.quorumwatch.bench;

import dev.quorumwatch.harness.cluster.NodeLaunch;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.node.demo.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for a quiet cluster's cost: three {@link BareRatisNode}s in the node JVM,
 * with the node's election timeout, each writing as often as a quiet node writes its
 * heartbeat. What a quiet QuorumWatch node costs above these is ours; below them, Ratis'.
 */
final class RatisFloor {
  static final int NODES = 3;
  static final long START_TIMEOUT_MS = 60_000;

  /** One bare node's figures over the window. */
  record NodeFigures(double cpuPercentOfOneCore, double rssMib, long applied) {}

  /** The bare nodes' figures, and how old their processes were when the window began. */
  record Floor(List<NodeFigures> nodes, long ageAtWindowMs) {}

  private RatisFloor() {}

  /**
   * Measures over {@code durationMs}, from when the bare nodes are as old as the nodes
   * compared with them were when their window began ({@code ageAtWindowMs}): the compiler's
   * warm-up costs the same on both sides.
   */
  static Floor measure(long electionTimeoutMs, long writeEveryMs, long ageAtWindowMs, long durationMs)
      throws Exception {
    Path dir = Files.createTempDirectory("quorumwatch-ratis-floor-");
    List<Process> processes = new ArrayList<>();
    try {
      long started = System.nanoTime();
      String ports = FreePorts.next() + "," + FreePorts.next() + "," + FreePorts.next();
      for (int i = 0; i < NODES; i++) {
        Path data = Files.createDirectories(dir.resolve("n" + i));
        ProcessBuilder pb = NodeLaunch.nodeJvm(BareRatisNode.class.getName(), List.of(Integer.toString(i), ports,
            data.toString(), Long.toString(electionTimeoutMs), Long.toString(writeEveryMs)));
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("n" + i + ".log").toFile());
        processes.add(pb.start());
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
      for (int i = 0; i < NODES; i++) {
        while (applied(dir, i) < NODES) {
          DetectBench.require(System.nanoTime() < deadline && processes.get(i).isAlive(),
              "bare Ratis node " + i + " committed nothing within " + START_TIMEOUT_MS + " ms; its log: " + dir.resolve("n" + i + ".log"));
          Thread.sleep(200);
        }
      }
      Thread.sleep(Math.max(0, ageAtWindowMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
      long[] cpu0 = new long[NODES];
      for (int i = 0; i < NODES; i++) {
        cpu0[i] = NodeSampler.cpuNanos(processes.get(i).pid());
      }
      long ageAtWindow = NodeSampler.ageMs(processes.get(0).pid());
      long t0 = System.nanoTime();
      Thread.sleep(durationMs);
      double seconds = (System.nanoTime() - t0) / 1e9;
      List<NodeFigures> figures = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        long pid = processes.get(i).pid();
        figures.add(new NodeFigures(100.0 * (NodeSampler.cpuNanos(pid) - cpu0[i]) / 1e9 / seconds,
            NodeSampler.rssBytes(pid) / 1048576.0, applied(dir, i)));
      }
      return new Floor(figures, ageAtWindow);
    } finally {
      for (Process p : processes) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      TempDirs.deleteTree(dir);
    }
  }

  /** The last count the node printed, 0 before its first. */
  private static long applied(Path dir, int i) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("n" + i + ".log"), StandardCharsets.UTF_8);
    for (int k = lines.size() - 1; k >= 0; k--) {
      String line = lines.get(k);
      if (line.startsWith("applied=") && line.length() > "applied=".length()) {
        try {
          return Long.parseLong(line.substring("applied=".length()).strip());
        } catch (NumberFormatException halfWritten) {
          // the node is writing this line right now: the one before it will do
        }
      }
    }
    return 0;
  }
}
