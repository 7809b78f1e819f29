package dev.quorumwatch.node.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories that the demo, the test clusters and the benchmarks make and remove. */
public final class TempDirs {
  private TempDirs() {}

  /** Deletes {@code dir} and everything under it, as far as it can: a leftover temp dir is harmless. */
  public static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // already gone, or unreadable: nothing more to do
    }
  }
}
