package dev.quorumwatch.bench;

import dev.quorumwatch.proto.Command;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads a node process from outside: CPU time, RSS (Linux /proc), its /metrics, its data dir size. */
final class NodeSampler {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private NodeSampler() {}

  static long cpuNanos(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
  }

  /** How long ago the process started, 0 when unknown. */
  static long ageMs(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
        .map(start -> Duration.between(start, java.time.Instant.now()).toMillis()).orElse(0L);
  }

  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /**
   * The metrics the benches read: asked for by name, since the whole page at 10,000 targets
   * (per-target series) took the node seconds to write, inside the measured window.
   */
  static final List<String> BENCH_METRICS = benchMetrics();
  /** Each command kind's metric, {@code quorumwatch_raft_applied_<kind>}, by kind. */
  private static final Map<String, String> APPLIED_BY_KIND = appliedByKind();

  private static Map<String, String> appliedByKind() {
    Map<String, String> byKind = new TreeMap<>();
    for (Command.KindCase kind : Command.KindCase.values()) {
      if (kind != Command.KindCase.KIND_NOT_SET) {
        String name = kind.name().toLowerCase(Locale.ROOT);
        byKind.put(name, "quorumwatch_raft_applied_" + name);
      }
    }
    return byKind;
  }

  private static List<String> benchMetrics() {
    List<String> names = new ArrayList<>(List.of("quorumwatch_probes_total", "quorumwatch_probe_schedule_lag_seconds",
        "quorumwatch_raft_applied_index", "quorumwatch_raft_log_bytes_applied"));
    names.addAll(appliedByKind().values());
    return List.copyOf(names);
  }

  /** The benches' metrics ({@link #BENCH_METRICS}) as name{labels} → value. */
  static Map<String, Double> metrics(int httpPort) {
    Map<String, Double> out = new HashMap<>();
    StringBuilder query = new StringBuilder();
    for (String name : BENCH_METRICS) {
      query.append(query.length() == 0 ? "?" : "&").append("name%5B%5D=").append(name);
    }
    try {
      String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics" + query))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
      for (String line : text.split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        try {
          out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        } catch (NumberFormatException ignored) {
          // not a sample line
        }
      }
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    return out;
  }

  /**
   * Commands applied so far, by kind ({@code quorumwatch_raft_applied_<kind>}). Not every
   * metric with that prefix: {@code quorumwatch_raft_applied_index} also counts Ratis' own
   * entries (a metadata entry after each commit), and summing it once doubled the write rate.
   */
  static Map<String, Double> appliedCommands(Map<String, Double> metrics) {
    Map<String, Double> out = new TreeMap<>();
    APPLIED_BY_KIND.forEach((kind, metric) -> out.put(kind, metrics.getOrDefault(metric, 0.0)));
    return out;
  }

  static long largestSnapshotBytes(Path dataDir) {
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
          .mapToLong(p -> p.toFile().length()).max().orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }
}
