package dev.quorumwatch.node.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.coordinator.StateCodec;
import dev.quorumwatch.proto.BackupFile;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.TargetSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `restore` accepts: the size first, then format, digest, signature and the state's invariants. */
class BackupFilesTest {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef-backup-key".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  static BackupFile backup(String targetUrl) {
    StateSnapshot state = StateSnapshot.newBuilder().setMonitors(MonitorsSpec.newBuilder().addTargets(TargetSpec
        .newBuilder().setId("api").setHttp(HttpProbe.newBuilder().setUrl(targetUrl).addExpectStatus(200))
        .setIntervalMs(1000).setTimeoutMs(800).setFailureThreshold(2).setRecoveryThreshold(2))).setNextSeq(1).build();
    return BackupFile.newBuilder().setFormat(BackupFiles.FORMAT).setBackupId(StateCodec.digest(state))
        .setClusterId("prod").setLogIndex(42).setState(state).build();
  }

  Path written(BackupFile backup) throws IOException {
    Path file = dir.resolve("state.qwbackup");
    BackupFiles.write(file, backup);
    return file;
  }

  @Test
  void aSignedBackupRestoresWithItsKeyAndATamperedOneDoesNot() throws Exception {
    BackupFile signed = BackupSigner.sign(backup("https://api.example.com/health"), KEY);
    assertThat(BackupFiles.read(written(signed), Optional.of(KEY))).isEqualTo(signed);

    // Someone who can edit the file points the target elsewhere and makes the digest agree again.
    BackupFile original = backup("https://api.example.com/health");
    StateSnapshot edited = original.getState().toBuilder().setMonitors(original.getState().getMonitors().toBuilder()
        .setTargets(0, original.getState().getMonitors().getTargets(0).toBuilder()
            .setHttp(HttpProbe.newBuilder().setUrl("https://attacker.example/collect").addExpectStatus(200)))).build();
    BackupFile tampered = signed.toBuilder().setState(edited).setBackupId(StateCodec.digest(edited)).build();
    assertThatThrownBy(() -> BackupFiles.read(written(tampered), Optional.of(KEY)))
        .hasMessageEndingWith("signature does not match with this cluster's backup key (node.yaml"
            + " backup.hmac_key_file): refused");
    assertThatThrownBy(() -> BackupFiles.read(written(backup("https://api.example.com/health")), Optional.of(KEY)))
        .hasMessageContaining("not signed with this cluster's backup key");
    assertThat(BackupFiles.read(written(tampered), Optional.empty())).as("without a key, only the digest is checked")
        .isEqualTo(tampered);
  }

  @Test
  void aStateThatBreaksTheInvariantsIsRefused() throws Exception {
    BackupFile broken = backup("https://api.example.com/health");
    StateSnapshot state = broken.getState().toBuilder().setMonitors(broken.getState().getMonitors().toBuilder()
        .setTargets(0, broken.getState().getMonitors().getTargets(0).toBuilder().setIntervalMs(0))).build();
    BackupFile consistent = broken.toBuilder().setState(state).setBackupId(StateCodec.digest(state)).build();
    assertThatThrownBy(() -> BackupFiles.read(written(consistent), Optional.empty()))
        .hasMessageEndingWith("the state is not usable: monitors.targets[0]: interval and timeout must be positive");
  }

  @Test
  void aStateAboveWhatARestoreTakesIsNamedWhenWrittenAndRefusedWhenRead() throws Exception {
    BackupFile small = backup("https://api.example.com/health");
    assertThat(BackupFiles.tooLargeToRestore(small)).isEmpty();
    String longUrl = "https://api.example.com/" + "x".repeat(BackupFiles.MAX_STATE_BYTES);
    BackupFile large = backup(longUrl);
    int size = large.getState().getSerializedSize();
    assertThat(BackupFiles.tooLargeToRestore(large))
        .contains("state is " + size + " bytes; a restore takes at most " + BackupFiles.MAX_STATE_BYTES);
    assertThatThrownBy(() -> BackupFiles.read(written(large), Optional.empty()))
        .hasMessageEndingWith("state.qwbackup: state is " + size + " bytes; a restore takes at most 3500000");
  }

  @Test
  void aHugeFileIsRefusedBeforeItIsRead() throws Exception {
    Path huge = dir.resolve("huge.qwbackup");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(1L << 32); // sparse: 4 GiB on paper, nothing on disk
    }
    assertThatThrownBy(() -> BackupFiles.read(huge, Optional.empty()))
        .hasMessageEndingWith("4294967296 bytes; a backup is at most 3565536 (not read)");
  }
}
