package dev.quorumwatch.node.heartbeat;

import dev.quorumwatch.node.auth.TokenHashes;
import dev.quorumwatch.proto.TargetSpec;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which heartbeat target a ping token belongs to, from the replicated targets: the monitors
 * file holds only each token's SHA-256, so a token is hashed and looked up, never compared.
 */
public final class PingTokens {
  private volatile Map<String, String> targetBySha256 = Map.of();

  /** The targets as the monitors now say; called whenever they are applied. */
  public void update(List<TargetSpec> targets) {
    Map<String, String> next = new HashMap<>();
    for (TargetSpec t : targets) {
      if (t.hasHeartbeat()) {
        next.put(t.getHeartbeat().getTokenSha256(), t.getId());
      }
    }
    targetBySha256 = Map.copyOf(next);
  }

  public Optional<String> targetOf(String token) {
    return Optional.ofNullable(targetBySha256.get(sha256Hex(token)));
  }

  /** Lower-case hex SHA-256 of the token's UTF-8 bytes, as token_sha256 holds it. */
  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(TokenHashes.sha256(token));
  }
}
