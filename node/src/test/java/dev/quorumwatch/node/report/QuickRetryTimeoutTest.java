package dev.quorumwatch.node.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuickRetryTimeoutTest {
  private final QuickRetryTimeout quick = new QuickRetryTimeout();

  private void committed(int writes, long eachMs) {
    for (int i = 0; i < writes; i++) {
      quick.committed(eachMs);
    }
  }

  @Test
  void withoutACommittedWriteTheFloorHolds() {
    assertThat(quick.timeoutMs(500, 2_000)).isEqualTo(500);
  }

  @Test
  void loopbackWritesLeaveTheFloor() {
    committed(QuickRetryTimeout.WINDOW, 8);
    assertThat(quick.timeoutMs(500, 2_000)).isEqualTo(500);
  }

  @Test
  void writesAcrossAContinentGetFourTypicalWrites() {
    for (long ms : new long[] {180, 210, 190, 200, 230}) {
      quick.committed(ms);
    }
    assertThat(quick.timeoutMs(500, 2_000)).isEqualTo(4 * 200);
  }

  @Test
  void oneWriteThatWaitedOnAFrozenLeaderDoesNotMoveTheTypicalOne() {
    committed(7, 10);
    quick.committed(10_000);
    quick.committed(9_000);
    assertThat(quick.timeoutMs(500, 2_000)).isEqualTo(500);
  }

  @Test
  void neverLongerThanTheCapAndOnlyTheRecentWritesCount() {
    committed(QuickRetryTimeout.WINDOW, 900);
    assertThat(quick.timeoutMs(500, 2_000)).isEqualTo(2_000);
    committed(QuickRetryTimeout.WINDOW, 50);
    assertThat(quick.timeoutMs(500, 2_000)).isEqualTo(500);
  }
}
