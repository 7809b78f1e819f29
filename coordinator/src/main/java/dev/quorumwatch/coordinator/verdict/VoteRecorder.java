package dev.quorumwatch.coordinator.verdict;

import dev.quorumwatch.proto.HistoryEntry;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.VoteRecord;
import dev.quorumwatch.proto.VoteState;
import java.util.Map;

/** One node's observation of one target, turned into that node's vote on it. */
public final class VoteRecorder {
  /**
   * What recording changed: whether the target must be judged again, and what its history
   * should remember (null when the vote only refreshed its detail).
   */
  public record Recorded(boolean changed, HistoryEntry history) {
    static final Recorded UNCHANGED = new Recorded(false, null);
  }

  private VoteRecorder() {}

  /**
   * @param votes the target's votes by node, updated in place
   * @param rateLimited the observation is a rate-limited one and every member understands the mark
   */
  public static Recorded record(Map<String, VoteRecord> votes, String nodeId, Observation o, boolean rateLimited,
      long clockMs) {
    VoteRecord previous = votes.get(nodeId);
    if (o.getState() == VoteState.VOTE_UNSPECIFIED && !rateLimited) {
      // The node has no current opinion (just started, or back from a pause with probe results
      // too old to stand for the present): its old vote may hold the verdict but not change it.
      if (previous == null || previous.getWithdrawn()) {
        return Recorded.UNCHANGED;
      }
      votes.put(nodeId, previous.toBuilder().setWithdrawn(true).build());
      return new Recorded(true, HistoryEntry.newBuilder().setAtMs(clockMs).setNodeId(nodeId)
          .setVote(previous.getState()).setWithdrawn(true).setNote("vote withdrawn").build());
    }
    boolean sameState = previous != null && previous.getState() == o.getState();
    if (sameState && !previous.getWithdrawn() && previous.getFailureClass().equals(o.getFailureClass())
        && previous.getDetail().equals(o.getDetail()) && previous.getCertNotAfterMs() == o.getCertNotAfterMs()
        && previous.getRateLimited() == rateLimited) {
      return Recorded.UNCHANGED;
    }
    votes.put(nodeId, VoteRecord.newBuilder()
        .setNodeId(nodeId)
        .setState(o.getState())
        .setFailureClass(o.getFailureClass())
        .setDetail(o.getDetail())
        .setSinceMs(sameState ? previous.getSinceMs() : clockMs)
        .setCertNotAfterMs(o.getCertNotAfterMs())
        .setRateLimited(rateLimited)
        .build());
    boolean remembered = !sameState || previous.getWithdrawn() || previous.getRateLimited() != rateLimited;
    return new Recorded(true, !remembered ? null : HistoryEntry.newBuilder().setAtMs(clockMs).setNodeId(nodeId)
        .setVote(o.getState()).setFailureClass(o.getFailureClass())
        .setNote(rateLimited ? "rate limited, last opinion held" : o.getDetail()).build());
  }
}
