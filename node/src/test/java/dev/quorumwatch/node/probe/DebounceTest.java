package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.VoteState;
import org.junit.jupiter.api.Test;

class DebounceTest {
  static final ProbeResult OK = ProbeResult.success(3);
  static final ProbeResult REFUSED = ProbeResult.failure(FailureClass.REFUSED, "Connection refused", 1);

  @Test
  void noOpinionUntilAThresholdIsReached() {
    Debounce d = new Debounce("web");
    assertThat(d.record(REFUSED, 3, 2)).isFalse();
    assertThat(d.record(REFUSED, 3, 2)).isFalse();
    assertThat(d.state()).isEqualTo(VoteState.VOTE_UNSPECIFIED);
    assertThat(d.record(REFUSED, 3, 2)).isTrue();
    assertThat(d.observation().getState()).isEqualTo(VoteState.VOTE_DOWN);
    assertThat(d.observation().getFailureClass()).isEqualTo("refused");
    assertThat(d.observation().getDetail()).isEqualTo("Connection refused");
  }

  @Test
  void aSuccessInBetweenRestartsTheFailureCount() {
    Debounce d = new Debounce("web");
    d.record(OK, 2, 2);
    d.record(OK, 2, 2);
    assertThat(d.state()).isEqualTo(VoteState.VOTE_UP);
    assertThat(d.record(REFUSED, 2, 2)).isFalse();
    assertThat(d.record(OK, 2, 2)).isFalse();
    assertThat(d.record(REFUSED, 2, 2)).isFalse();
    assertThat(d.state()).isEqualTo(VoteState.VOTE_UP);
    assertThat(d.record(REFUSED, 2, 2)).isTrue();
    assertThat(d.state()).isEqualTo(VoteState.VOTE_DOWN);
  }

  @Test
  void recoveryNeedsItsOwnThresholdAndClearsTheFailure() {
    Debounce d = new Debounce("web");
    d.record(REFUSED, 1, 3);
    assertThat(d.state()).isEqualTo(VoteState.VOTE_DOWN);
    assertThat(d.record(OK, 1, 3)).isFalse();
    assertThat(d.record(OK, 1, 3)).isFalse();
    assertThat(d.record(OK, 1, 3)).isTrue();
    assertThat(d.observation().getFailureClass()).isEmpty();
    assertThat(d.record(OK, 1, 3)).as("no change, nothing to report").isFalse();
  }
}
