package dev.quorumwatch.node.auth;

import java.util.List;

/** node.yaml's {@code auth}: the API tokens and each token's rate limit; no tokens, no checks. */
public record ApiAuth(List<ApiToken> tokens, double perSecond, double burst) {
  public static final double DEFAULT_PER_SECOND = 50;
  public static final double DEFAULT_BURST = 100;
  public static final ApiAuth NONE = new ApiAuth(List.of(), DEFAULT_PER_SECOND, DEFAULT_BURST);
}
