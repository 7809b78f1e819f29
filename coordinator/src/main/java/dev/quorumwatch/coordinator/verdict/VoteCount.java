package dev.quorumwatch.coordinator.verdict;

import dev.quorumwatch.proto.VoteRecord;
import java.util.Collection;
import java.util.function.Predicate;

/**
 * One target's votes as the quorum rule sees them: only votes of fresh nodes count; of those,
 * a current vote stands for the present, while a held one (withdrawn by a node without a
 * current opinion, or kept by a region being rate limited) is an opinion from earlier answers.
 *
 * @param current fresh votes formed from current answers
 * @param held fresh votes held from earlier answers
 * @param rateLimited how many of the held votes are held because of rate limits
 */
public record VoteCount(VoteTally current, VoteTally held, int rateLimited) {
  public static VoteCount of(Collection<VoteRecord> votes, Predicate<String> freshNode) {
    int[] current = new int[3];
    int[] held = new int[3];
    int rateLimited = 0;
    for (VoteRecord vote : votes) {
      if (!freshNode.test(vote.getNodeId())) {
        continue;
      }
      boolean isHeld = vote.getWithdrawn() || vote.getRateLimited();
      if (vote.getRateLimited()) {
        rateLimited++;
      }
      int slot = switch (vote.getState()) {
        case VOTE_UP -> 0;
        case VOTE_DOWN -> 1;
        case VOTE_SLOW -> 2;
        default -> -1;
      };
      if (slot >= 0) {
        (isHeld ? held : current)[slot]++;
      }
    }
    return new VoteCount(new VoteTally(current[0], current[1], current[2]),
        new VoteTally(held[0], held[1], held[2]), rateLimited);
  }

  /** Current and held votes together: what the verdict may be held by. */
  public VoteTally all() {
    return new VoteTally(current.up() + held.up(), current.down() + held.down(), current.slow() + held.slow());
  }

  /** Fewer than a quorum of regions have an answer, and rate limits are why. */
  public boolean noVerdictPossible(int quorum) {
    return RateLimitedVotes.noVerdictPossible(current.total(), rateLimited, quorum);
  }

  /** "down 2, up 1, slow 0, quorum 2": the current votes, as history and events show them. */
  public String describe(int quorum) {
    return "down " + current.down() + ", up " + current.up() + ", slow " + current.slow() + ", quorum " + quorum;
  }
}
