package dev.quorumwatch.coordinator.verdict;

import dev.quorumwatch.proto.Verdict;

/**
 * The quorum rule (docs/architecture.md, "The state machine"): from the votes of one target
 * to its verdict, freshness and held votes included.
 */
public final class VerdictRule {
  private VerdictRule() {}

  /**
   * @param votes one target's votes, counted
   * @param quorum how many regions must agree
   * @param previous the verdict so far
   */
  public static Verdict decide(VoteCount votes, int quorum, Verdict previous) {
    Verdict next = decide(votes.current(), quorum, previous);
    // Held votes may keep the verdict (a restarted majority must not resolve a real outage
    // before it has probed again) but never move it (an outdated "down" must not start one).
    if (next != previous && decide(votes.all(), quorum, previous) == previous) {
      return previous;
    }
    return next;
  }

  /**
   * @param tally the fresh votes for one target
   * @param quorum how many regions must agree
   * @param previous the verdict so far, kept when fewer than {@code quorum} votes are fresh
   */
  static Verdict decide(VoteTally tally, int quorum, Verdict previous) {
    // No decision without quorum, checked first: a lone surviving down vote must not turn
    // DOWN into REGIONAL (and resolve the incident) while the other regions are silent.
    if (quorum <= 0 || tally.total() < quorum) {
      return previous;
    }
    if (tally.down() >= quorum) {
      return Verdict.VERDICT_DOWN;
    }
    if (tally.down() > 0) {
      return Verdict.VERDICT_REGIONAL;
    }
    if (tally.slow() >= quorum) {
      return Verdict.VERDICT_DEGRADED;
    }
    // Enough fresh votes, none down, but neither a quorum slow nor a quorum up: the target
    // answers, slowly for some regions. Up-or-slow from a quorum is not an outage.
    return Verdict.VERDICT_UP;
  }
}
