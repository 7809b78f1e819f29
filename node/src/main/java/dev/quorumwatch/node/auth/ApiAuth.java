package dev.quorumwatch.node.auth;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/** node.yaml's {@code auth}: the API tokens and each token's rate limit; no tokens, no checks. */
public record ApiAuth(List<ApiToken> tokens, double perSecond, double burst) {
  public static final double DEFAULT_PER_SECOND = 50;
  public static final double DEFAULT_BURST = 100;
  public static final ApiAuth NONE = new ApiAuth(List.of(), DEFAULT_PER_SECOND, DEFAULT_BURST);

  /**
   * The token whose value {@code presented} is. Compares hashes in constant time, and against
   * every configured token, so timing tells nothing.
   */
  public Optional<ApiToken> tokenFor(String presented) {
    byte[] hash = TokenHashes.sha256(presented);
    ApiToken found = null;
    for (ApiToken t : tokens) {
      if (MessageDigest.isEqual(hash, t.sha256()) && found == null) {
        found = t;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The token a bearer {@code authorization} header (HTTP or gRPC) carries, if it is one of ours. */
  public Optional<ApiToken> bearer(String authorization) {
    return carriesBearer(authorization) ? tokenFor(authorization.substring(7).strip()) : Optional.empty();
  }

  /** Whether an {@code authorization} header has the {@code Bearer <token>} form at all. */
  public static boolean carriesBearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) && authorization.length() > 7;
  }
}
