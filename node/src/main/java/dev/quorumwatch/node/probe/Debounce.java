package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.VoteState;

/**
 * One target's local view: {@code failure_threshold} consecutive failures make it down,
 * {@code recovery_threshold} consecutive successes make it up. Until either happens the
 * node has no opinion (and casts no vote).
 */
final class Debounce {
  private final String targetId;
  private VoteState state = VoteState.VOTE_UNSPECIFIED;
  private int failuresInRow;
  private int successesInRow;
  private String failureClass = "";
  private String detail = "";
  private long lastResultMs;

  Debounce(String targetId) {
    this.targetId = targetId;
  }

  /** Returns true when the view changed and must be reported. */
  boolean record(ProbeResult result, int failureThreshold, int recoveryThreshold, long nowMs) {
    lastResultMs = nowMs;
    if (result.ok()) {
      successesInRow++;
      failuresInRow = 0;
      if (state != VoteState.VOTE_UP && successesInRow >= recoveryThreshold) {
        state = VoteState.VOTE_UP;
        failureClass = "";
        detail = "";
        return true;
      }
      return false;
    }
    failuresInRow++;
    successesInRow = 0;
    if (state != VoteState.VOTE_DOWN && failuresInRow >= failureThreshold) {
      state = VoteState.VOTE_DOWN;
      failureClass = result.failureClass();
      detail = result.detail().length() > 200 ? result.detail().substring(0, 200) : result.detail();
      return true;
    }
    return false;
  }

  /**
   * Drops an opinion whose latest evidence is older than {@code maxAgeMs} (the node was
   * paused, or its probes stalled): it must be formed again from fresh probes. Returns true
   * when an opinion was dropped and the withdrawal must be reported.
   */
  boolean dropIfOutdated(long nowMs, long maxAgeMs) {
    if (state == VoteState.VOTE_UNSPECIFIED || nowMs - lastResultMs <= maxAgeMs) {
      return false;
    }
    state = VoteState.VOTE_UNSPECIFIED;
    failuresInRow = 0;
    successesInRow = 0;
    failureClass = "";
    detail = "";
    return true;
  }

  VoteState state() {
    return state;
  }

  Observation observation() {
    return Observation.newBuilder()
        .setTargetId(targetId)
        .setState(state)
        .setFailureClass(failureClass)
        .setDetail(detail)
        .build();
  }
}
