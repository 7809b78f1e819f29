package dev.quorumwatch.harness.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How a local cluster starts a node process: its JVM, environment and arguments. */
public final class NodeLaunch {
  /**
   * The node JVM's flags (bin/quorumwatch sets the same ones for `node`): a small heap, the
   * serial collector and the C1 compiler only. A node is I/O-bound; C2's compiler memory
   * alone costs ~40 MiB of RSS per process and buys no throughput here (docs/benchmarks.md).
   */
  static final List<String> JVM_OPTIONS = List.of("-Xms32m", "-Xmx192m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-Xss512k",
      // No performance-counter file, nor the VM's sampling of it every 50 ms: ~2 ms of CPU a
      // second on a quiet node. jcmd PID still works; jps and jstat no longer list the node.
      "-XX:-UsePerfData",
      // Unpooled buffers in the one Netty copy (Ratis' shaded one, which gRPC and the probes
      // run on): ~8 MiB less RSS per node and no CPU measurable from 200 to 10,000 targets.
      // One arena for anything that still asks for the pooled allocator by name.
      "-Dorg.apache.ratis.thirdparty.io.netty.allocator.type=unpooled",
      "-Dorg.apache.ratis.thirdparty.io.netty.allocator.numDirectArenas=1",
      "-Dorg.apache.ratis.thirdparty.io.netty.allocator.numHeapArenas=1");
  /**
   * Extra JVM options for every node the harness starts, after (so overriding) the ones above:
   * how a benchmark tries another heap or collector without a rebuild. Whitespace-separated.
   */
  static final String EXTRA_JVM_OPTIONS_VARIABLE = "QW_BENCH_NODE_JAVA_OPTS";
  /** glibc's default of one malloc arena per thread turns JVM thread churn into RSS. */
  static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  final Map<String, String> environment = new HashMap<>();
  private final Map<Integer, Map<String, String>> nodeEnvironment = new HashMap<>();
  final List<String> arguments = new ArrayList<>();

  /** Sets {@code name} for node {@code i} only, from its next start. */
  void setFor(int i, String name, String value) {
    nodeEnvironment.computeIfAbsent(i, k -> new HashMap<>()).put(name, value);
  }

  /**
   * Starts node {@code i} from {@code configFile}, its output appended to {@code logFile}; the
   * node runs this JVM's class path, so tests and benchmarks run the code they were built with.
   */
  Process start(int i, Path configFile, Path logFile, boolean join) throws IOException {
    ProcessBuilder pb = inNodeJvm(command(configFile, join, System.getenv(EXTRA_JVM_OPTIONS_VARIABLE)));
    pb.environment().putAll(environment);
    pb.environment().putAll(nodeEnvironment.getOrDefault(i, Map.of()));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    return pb.start();
  }

  /** The node's command line; {@code extraOptions} is {@link #EXTRA_JVM_OPTIONS_VARIABLE}'s value. */
  List<String> command(Path configFile, boolean join, String extraOptions) {
    List<String> command = javaCommand(extraOptions, "dev.quorumwatch.node.cli.Main");
    command.addAll(List.of("node", "--config", configFile.toString()));
    command.addAll(arguments);
    if (join) {
      command.add("--join");
    }
    return command;
  }

  /**
   * Another program in a node's JVM (options, environment, this JVM's class path): how a
   * benchmark measures a baseline under the same conditions as the nodes it compares with.
   */
  public static ProcessBuilder nodeJvm(String mainClass, List<String> arguments) {
    List<String> command = javaCommand(System.getenv(EXTRA_JVM_OPTIONS_VARIABLE), mainClass);
    command.addAll(arguments);
    return inNodeJvm(command);
  }

  private static List<String> javaCommand(String extraOptions, String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(extraJvmOptions(extraOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    return command;
  }

  private static ProcessBuilder inNodeJvm(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(ENVIRONMENT);
    return pb;
  }

  static List<String> extraJvmOptions(String variable) {
    return variable == null || variable.isBlank() ? List.of() : List.of(variable.strip().split("\\s+"));
  }
}
