package dev.quorumwatch.node.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code quorumwatch ...} as a real process and captures what it printed and its exit code. */
public final class Cli {
  /** What one CLI run produced. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private Cli() {}

  public static Result run(String... args) throws IOException, InterruptedException {
    return runWithJvmOptions(List.of(), args);
  }

  /** With JVM options such as {@code -Duser.name=}: what the process sees of its account. */
  public static Result runWithJvmOptions(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
    return runClass("dev.quorumwatch.node.cli.Main", jvmOptions, args);
  }

  /** Another command-line tool built on this CLI (the benchmarks' {@code mainClass}), run the same way. */
  public static Result runClass(String mainClass, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("quorumwatch " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
