package dev.quorumwatch.node.backup;

import dev.quorumwatch.proto.BackupFile;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a backup with the cluster's backup key (node.yaml {@code backup.hmac_key_file}), and
 * checks the signature before a restore: a backup's {@code backup_id} is a plain digest, so
 * without a key anyone who can edit the file can make it consistent again.
 */
public final class BackupSigner {
  static final String PREFIX = "hmac-sha256:";

  private BackupSigner() {}

  public static BackupFile sign(BackupFile backup, byte[] key) {
    return backup.toBuilder().setSignature(PREFIX + HexFormat.of().formatHex(mac(backup, key))).build();
  }

  /** Whether {@code backup} carries a signature made with {@code key} over exactly its content. */
  public static boolean verify(BackupFile backup, byte[] key) {
    if (!backup.getSignature().startsWith(PREFIX)) {
      return false;
    }
    byte[] claimed;
    try {
      claimed = HexFormat.of().parseHex(backup.getSignature().substring(PREFIX.length()));
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return MessageDigest.isEqual(claimed, mac(backup, key));
  }

  private static byte[] mac(BackupFile backup, byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update("quorumwatch-backup-signature/1".getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(backup.toBuilder().clearSignature().build().toByteArray());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }
}
