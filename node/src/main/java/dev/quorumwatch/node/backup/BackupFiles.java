package dev.quorumwatch.node.backup;

import dev.quorumwatch.coordinator.StateCheck;
import dev.quorumwatch.coordinator.StateCodec;
import dev.quorumwatch.proto.BackupFile;
import dev.quorumwatch.proto.StateSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** Backup files: what they hold, how they are written (atomically) and checked when read. */
public final class BackupFiles {
  public static final String FORMAT = "quorumwatch-backup/1";
  /**
   * A restore travels as one Raft entry; Ratis sends entries in batches of at most 4 MB by
   * default, so a state above this is refused with a message rather than left to fail inside
   * Ratis.
   */
  public static final int MAX_STATE_BYTES = 3_500_000;
  /** The state and the little around it: a larger file is refused before it is read. */
  static final long MAX_FILE_BYTES = MAX_STATE_BYTES + 64 * 1024;

  private BackupFiles() {}

  public static void write(Path file, BackupFile backup) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, file.getFileName().toString(), ".partial");
    try {
      Files.write(partial, backup.toByteArray());
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /**
   * Reads and checks a backup: its size before reading it, its format and digest, its
   * signature when {@code key} is given (a cluster with a backup key restores only what it
   * signed), and the whole state's invariants. The exception names the file and what is
   * wrong with it.
   */
  public static BackupFile read(Path file, Optional<byte[]> key) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    long bytes = Files.size(file);
    if (bytes > MAX_FILE_BYTES) {
      throw new IOException(file + ": " + bytes + " bytes; a backup is at most " + MAX_FILE_BYTES + " (not read)");
    }
    BackupFile backup;
    try {
      backup = BackupFile.parseFrom(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IOException(file + ": not a QuorumWatch backup (" + e.getMessage() + ")");
    }
    if (!FORMAT.equals(backup.getFormat())) {
      throw new IOException(file + ": format: expected " + FORMAT + ", got \"" + backup.getFormat() + "\"");
    }
    if (!StateCodec.digest(backup.getState()).equals(backup.getBackupId())) {
      throw new IOException(file + ": backup_id " + backup.getBackupId() + " does not match its state (damaged file?)");
    }
    Optional<String> tooLarge = tooLargeToRestore(backup);
    if (tooLarge.isPresent()) {
      throw new IOException(file + ": " + tooLarge.get());
    }
    if (key.isPresent() && !BackupSigner.verify(backup, key.get())) {
      throw new IOException(file + ": " + (backup.getSignature().isEmpty() ? "not signed" : "signature does not match")
          + " with this cluster's backup key (node.yaml backup.hmac_key_file): refused");
    }
    String invalid = StateCheck.problem(backup.getState());
    if (invalid != null) {
      throw new IOException(file + ": the state is not usable: " + invalid);
    }
    return backup;
  }

  /** Why a restore would refuse this backup for its size, if it would. */
  public static Optional<String> tooLargeToRestore(BackupFile backup) {
    int size = backup.getState().getSerializedSize();
    return size > MAX_STATE_BYTES
        ? Optional.of("state is " + size + " bytes; a restore takes at most " + MAX_STATE_BYTES)
        : Optional.empty();
  }

  /** One line for operators: what a backup holds. */
  public static String describe(BackupFile b) {
    StateSnapshot s = b.getState();
    return "backup " + b.getBackupId() + " of cluster " + b.getClusterId() + " at log index " + b.getLogIndex() + ": "
        + s.getMonitors().getTargetsCount() + " targets, " + s.getMonitors().getServicesCount() + " services, "
        + s.getIncidentsCount() + " incidents, " + s.getSilencesCount() + " silences, " + s.getOutboxCount()
        + " undelivered notifications, " + s.getSerializedSize() + " bytes";
  }
}
