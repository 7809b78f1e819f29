package dev.quorumwatch.coordinator.verdict;

/** Counts of fresh votes for one target. */
public record VoteTally(int up, int down, int slow) {
  public int total() {
    return up + down + slow;
  }
}
