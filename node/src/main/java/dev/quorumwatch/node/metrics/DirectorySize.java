package dev.quorumwatch.node.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Bytes used by the files under a directory (the Raft log and snapshots under data_dir). */
public final class DirectorySize {
  private DirectorySize() {}

  /** -1 when the directory cannot be read (a metric must not fail the scrape). */
  public static long of(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(DirectorySize::sizeOf).sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0; // removed while walking (a purged log segment)
    }
  }
}
