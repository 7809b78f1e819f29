package dev.quorumwatch.node.backup;

import dev.quorumwatch.node.raft.CommandSink;
import dev.quorumwatch.proto.BackupFile;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.RestoreState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup planted in a new node's data directory by {@code quorumwatch restore}. Once the
 * node runs, it commits the backup through Raft (so every replica gets the same state) and
 * removes the seed when the replicated state says it is restored. Seeding several nodes with
 * the same file is fine: the state accepts a backup once.
 */
public final class RestoreSeed implements AutoCloseable {
  public static final String FILE_NAME = "restore-seed.qwbackup";
  private static final Logger log = LoggerFactory.getLogger(RestoreSeed.class);

  private final Path seed;
  private final CommandSink sink;
  private final Supplier<String> restoredBackupId;
  private final ScheduledExecutorService timer;
  private BackupFile backup;
  private ScheduledFuture<?> task;
  private boolean inFlight;

  public RestoreSeed(Path dataDir, CommandSink sink, Supplier<String> restoredBackupId, ScheduledExecutorService timer) {
    this.seed = dataDir.resolve(FILE_NAME);
    this.sink = sink;
    this.restoredBackupId = restoredBackupId;
    this.timer = timer;
  }

  /**
   * Puts a backup where a node started on {@code dataDir} will find it. Refuses a data
   * directory that already holds a Raft log: a restore seeds a new node, never overwrites one.
   */
  public static Path plant(Path dataDir, BackupFile backup) throws IOException {
    if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      throw new IOException("data_dir " + dataDir + " is not a directory");
    }
    Optional<Path> other = anythingButASeed(dataDir);
    if (other.isPresent()) {
      throw new IOException("data_dir " + dataDir + " is not empty (" + other.get().getFileName()
          + "): a restore seeds a new node; stop the node and move its data_dir away first");
    }
    Path file = dataDir.resolve(FILE_NAME);
    BackupFiles.write(file, backup);
    return file;
  }

  /** A first entry of {@code dataDir} other than a seed: empty when the node has no data of its own yet. */
  public static Optional<Path> anythingButASeed(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(dataDir)) {
      return entries.filter(p -> !p.getFileName().toString().equals(FILE_NAME)).findFirst();
    }
  }

  /** Starts committing the seed, if there is one; checks again every {@code intervalMs}. */
  public synchronized void start(long intervalMs) throws IOException {
    if (!Files.exists(seed)) {
      return;
    }
    backup = BackupFiles.read(seed, Optional.empty()); // its signature was checked when `restore` planted it
    log.info("restore seed found file={} \"{}\"", seed, BackupFiles.describe(backup));
    task = timer.scheduleWithFixedDelay(this::step, 0, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void step() {
    synchronized (this) {
      if (inFlight || task == null) {
        return;
      }
      if (backup.getBackupId().equals(restoredBackupId.get())) {
        finish();
        return;
      }
      inFlight = true;
    }
    Command command = Command.newBuilder().setRestoreState(RestoreState.newBuilder()
        .setBackupId(backup.getBackupId()).setState(backup.getState().toByteString())).build();
    sink.submit(command).whenComplete((reply, error) -> {
      synchronized (this) {
        inFlight = false;
        if (error != null) {
          log.warn("restore not committed yet, retrying backup={} error=\"{}\"", backup.getBackupId(), error.getMessage());
        } else if (!reply.getAccepted() && !backup.getBackupId().equals(restoredBackupId.get())) {
          log.error("restore refused backup={} error=\"{}\"; the seed is kept as {}.refused", backup.getBackupId(),
              reply.getError(), seed.getFileName());
          moveAside();
        }
      }
    });
  }

  private void finish() {
    try {
      Files.deleteIfExists(seed);
    } catch (IOException e) {
      log.warn("restore seed not removed file={} error=\"{}\"", seed, e.getMessage());
    }
    log.info("restore complete backup={}", backup.getBackupId());
    cancel();
  }

  private void moveAside() {
    try {
      Files.move(seed, seed.resolveSibling(FILE_NAME + ".refused"));
    } catch (IOException e) {
      log.warn("restore seed not moved aside file={} error=\"{}\"", seed, e.getMessage());
    }
    cancel();
  }

  private void cancel() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  @Override
  public synchronized void close() {
    cancel();
  }
}
