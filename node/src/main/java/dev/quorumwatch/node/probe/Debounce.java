package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.LatencySpec;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteState;

/**
 * One target's local view: {@code failure_threshold} consecutive failures make it down
 * (and as many slow answers make it slow), {@code recovery_threshold} consecutive good
 * answers make it up. Until one of these happens the node has no opinion (and casts no vote).
 */
final class Debounce {
  static final String SLOW = "slow";
  static final String SLOW_TREND = "slow_trend";
  static final int DEFAULT_TREND_SAMPLES = 30;
  private final String targetId;
  private VoteState state = VoteState.VOTE_UNSPECIFIED;
  private int failuresInRow;
  private int successesInRow;
  private int slowInRow;
  private long certNotAfterMs;
  private LatencyTrend trend;
  private String failureClass = "";
  private String detail = "";
  private long lastResultMs;
  /** The latest answer was "slow down": the opinion above is held from earlier answers. */
  private boolean rateLimited;

  Debounce(String targetId) {
    this.targetId = targetId;
  }

  /**
   * Records a result by the target's rules; returns true when the view changed. A timeout
   * across this node's own stall counts for nothing, and so does a rate-limited
   * answer (the service answered; it asked us to slow down) unless the
   * target says it is down, but the view says so: the cluster must know when its verdict
   * rests on held opinions instead of answers.
   */
  boolean recordFor(TargetSpec spec, ProbeResult result, long nowMs) {
    if (FailureClass.NODE_STALLED.equals(result.failureClass())) {
      // No evidence either way: this node held the answer back, not the target. The opinion
      // stays as it was, and ages (a node that keeps stalling has its opinions withdrawn).
      return false;
    }
    // A new certificate is news whatever the vote: the cluster judges its expiry.
    boolean certificateChanged = result.certNotAfterMs() != 0 && result.certNotAfterMs() != certNotAfterMs;
    if (certificateChanged) {
      certNotAfterMs = result.certNotAfterMs();
    }
    if (FailureClass.RATE_LIMITED.equals(result.failureClass()) && !spec.getRateLimitedIsDown()) {
      lastResultMs = nowMs;
      boolean began = !rateLimited;
      rateLimited = true;
      return began || (certificateChanged && state != VoteState.VOTE_UNSPECIFIED);
    }
    boolean ended = rateLimited;
    rateLimited = false;
    boolean changed = record(result, spec.getFailureThreshold(), spec.getRecoveryThreshold(), nowMs, spec.getLatency());
    return changed || ended || (certificateChanged && state != VoteState.VOTE_UNSPECIFIED);
  }

  /** Returns true when the view changed and must be reported (no latency rule). */
  boolean record(ProbeResult result, int failureThreshold, int recoveryThreshold, long nowMs) {
    return record(result, failureThreshold, recoveryThreshold, nowMs, LatencySpec.getDefaultInstance());
  }

  /**
   * Returns true when the view changed and must be reported. A failure counts towards
   * down; an answer slower than the threshold, or on a rising trend projected to cross it
   * within the horizon, counts towards slow (with the same threshold of probes in a row);
   * an answer that is neither counts towards up.
   */
  boolean record(ProbeResult result, int failureThreshold, int recoveryThreshold, long nowMs, LatencySpec latency) {
    lastResultMs = nowMs;
    if (result.ok()) {
      failuresInRow = 0;
      String slowClass = "";
      String slowDetail = "";
      long threshold = latency.getSlowThresholdMs();
      if (threshold > 0) {
        if (trend == null) {
          trend = new LatencyTrend(latency.getTrendSamples() > 0 ? latency.getTrendSamples() : DEFAULT_TREND_SAMPLES);
        }
        trend.add(nowMs, result.latencyMs());
        LatencyTrend.Projection projection = trend.crossingWithin(threshold, latency.getPredictHorizonMs());
        if (result.latencyMs() > threshold) {
          slowClass = SLOW;
          slowDetail = result.latencyMs() + " ms, over " + threshold + " ms";
        } else if (projection != null) {
          slowClass = SLOW_TREND;
          slowDetail = projection.describe(threshold);
        }
      }
      if (!slowClass.isEmpty()) {
        slowInRow++;
        successesInRow = 0;
        if (state != VoteState.VOTE_SLOW && slowInRow >= failureThreshold) {
          state = VoteState.VOTE_SLOW;
          failureClass = slowClass;
          detail = slowDetail;
          return true;
        }
        return false;
      }
      slowInRow = 0;
      successesInRow++;
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
    slowInRow = 0;
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
    if ((state == VoteState.VOTE_UNSPECIFIED && !rateLimited) || nowMs - lastResultMs <= maxAgeMs) {
      return false;
    }
    state = VoteState.VOTE_UNSPECIFIED;
    rateLimited = false;
    failuresInRow = 0;
    successesInRow = 0;
    slowInRow = 0;
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
        .setCertNotAfterMs(state == VoteState.VOTE_UNSPECIFIED ? 0 : certNotAfterMs)
        .setRateLimited(rateLimited)
        .build();
  }
}
