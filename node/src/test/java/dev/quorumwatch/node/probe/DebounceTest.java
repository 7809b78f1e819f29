package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteState;
import org.junit.jupiter.api.Test;

class DebounceTest {
  static final ProbeResult OK = ProbeResult.success(3);
  static final ProbeResult REFUSED = ProbeResult.failure(FailureClass.REFUSED, "Connection refused", 1);

  @Test
  void noOpinionUntilAThresholdIsReached() {
    Debounce d = new Debounce("web");
    assertThat(d.record(REFUSED, 3, 2, 0)).isFalse();
    assertThat(d.record(REFUSED, 3, 2, 0)).isFalse();
    assertThat(d.state()).isEqualTo(VoteState.VOTE_UNSPECIFIED);
    assertThat(d.record(REFUSED, 3, 2, 0)).isTrue();
    assertThat(d.observation().getState()).isEqualTo(VoteState.VOTE_DOWN);
    assertThat(d.observation().getFailureClass()).isEqualTo("refused");
    assertThat(d.observation().getDetail()).isEqualTo("Connection refused");
  }

  @Test
  void aSuccessInBetweenRestartsTheFailureCount() {
    Debounce d = new Debounce("web");
    d.record(OK, 2, 2, 0);
    d.record(OK, 2, 2, 0);
    assertThat(d.state()).isEqualTo(VoteState.VOTE_UP);
    assertThat(d.record(REFUSED, 2, 2, 0)).isFalse();
    assertThat(d.record(OK, 2, 2, 0)).isFalse();
    assertThat(d.record(REFUSED, 2, 2, 0)).isFalse();
    assertThat(d.state()).isEqualTo(VoteState.VOTE_UP);
    assertThat(d.record(REFUSED, 2, 2, 0)).isTrue();
    assertThat(d.state()).isEqualTo(VoteState.VOTE_DOWN);
  }

  @Test
  void recoveryNeedsItsOwnThresholdAndClearsTheFailure() {
    Debounce d = new Debounce("web");
    d.record(REFUSED, 1, 3, 0);
    assertThat(d.state()).isEqualTo(VoteState.VOTE_DOWN);
    assertThat(d.record(OK, 1, 3, 0)).isFalse();
    assertThat(d.record(OK, 1, 3, 0)).isFalse();
    assertThat(d.record(OK, 1, 3, 0)).isTrue();
    assertThat(d.observation().getFailureClass()).isEmpty();
    assertThat(d.record(OK, 1, 3, 0)).as("no change, nothing to report").isFalse();
  }

  @Test
  void anOpinionWithOutdatedEvidenceIsDroppedAndMustFormAgain() {
    Debounce d = new Debounce("web");
    d.record(REFUSED, 1, 1, 1_000);
    assertThat(d.state()).isEqualTo(VoteState.VOTE_DOWN);
    assertThat(d.dropIfOutdated(3_000, 2_800)).as("evidence 2.0 s old, 2.8 s allowed").isFalse();
    assertThat(d.dropIfOutdated(12_000, 2_800)).as("back from a 10 s pause").isTrue();
    assertThat(d.state()).isEqualTo(VoteState.VOTE_UNSPECIFIED);
    assertThat(d.observation().getState()).isEqualTo(VoteState.VOTE_UNSPECIFIED);
    assertThat(d.dropIfOutdated(13_000, 2_800)).as("withdrawn once").isFalse();
  }

  @Test
  void aRateLimitedAnswerHoldsTheOpinionAndSaysSoOnceUntilAnAnswerComes() {
    TargetSpec spec = TargetSpec.newBuilder().setId("web").setFailureThreshold(2).setRecoveryThreshold(2).build();
    ProbeResult limited = ProbeResult.rateLimited("HTTP 429", 2, 2_000);
    Debounce d = new Debounce("web");
    d.recordFor(spec, OK, 0);
    d.recordFor(spec, OK, 1_000);
    assertThat(d.recordFor(spec, limited, 2_000)).as("the cluster must hear of it").isTrue();
    assertThat(d.observation().getRateLimited()).isTrue();
    assertThat(d.observation().getState()).as("the last opinion, held").isEqualTo(VoteState.VOTE_UP);
    assertThat(d.recordFor(spec, limited, 4_000)).as("said once").isFalse();
    assertThat(d.dropIfOutdated(8_000, 5_000)).as("4 s since the 429, 5 s allowed").isFalse();
    assertThat(d.recordFor(spec, REFUSED, 6_000)).as("an answer again").isTrue();
    assertThat(d.observation().getRateLimited()).isFalse();
    assertThat(d.recordFor(spec, REFUSED, 7_000)).isTrue();
    assertThat(d.observation().getState()).isEqualTo(VoteState.VOTE_DOWN);
  }

  @Test
  void aTargetRateLimitedFromTheStartHasNoOpinionButSaysWhy() {
    TargetSpec spec = TargetSpec.newBuilder().setId("web").setFailureThreshold(2).setRecoveryThreshold(2).build();
    Debounce d = new Debounce("web");
    assertThat(d.recordFor(spec, ProbeResult.rateLimited("HTTP 429", 2, 0), 0)).isTrue();
    assertThat(d.observation().getState()).isEqualTo(VoteState.VOTE_UNSPECIFIED);
    assertThat(d.observation().getRateLimited()).isTrue();
    assertThat(d.dropIfOutdated(60_000, 5_000)).as("no answer for a minute: the flag too is outdated").isTrue();
    assertThat(d.observation().getRateLimited()).isFalse();
  }
}
