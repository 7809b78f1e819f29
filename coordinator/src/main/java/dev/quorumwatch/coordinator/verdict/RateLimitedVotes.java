package dev.quorumwatch.coordinator.verdict;

/**
 * When a target's rate limits, not its answers, stand between the cluster and a verdict. A
 * region whose probes are answered 429 holds its last opinion; that opinion may keep the
 * verdict as it is but is no evidence of the present, so it must not pass silently for one.
 */
public final class RateLimitedVotes {
  private RateLimitedVotes() {}

  /**
   * @param answered fresh votes formed from real answers
   * @param rateLimited fresh votes of regions being rate limited
   * @param quorum how many regions must agree
   * @return true when fewer than a quorum have an answer and the rate-limited regions are why
   */
  public static boolean noVerdictPossible(int answered, int rateLimited, int quorum) {
    return quorum > 0 && rateLimited > 0 && answered < quorum && answered + rateLimited >= quorum;
  }
}
