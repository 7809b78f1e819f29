package dev.quorumwatch.node.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryDelayTest {
  final RetryDelay delay = new RetryDelay(500, 30_000, 600_000, new Random(42));

  @Test
  void backoffGrowsExponentiallyWithJitterUpToItsCeiling() {
    for (int attempt = 1; attempt <= 12; attempt++) {
      long ceiling = Math.min(30_000, 500L << (attempt - 1));
      assertThat(delay.delayMs(attempt, 0)).isBetween(ceiling / 2, ceiling);
    }
  }

  @Test
  void aWaitTheServiceAskedForIsTakenAsAskedNeitherLongerNorShorter() {
    assertThat(delay.delayMs(1, 2_000)).as("longer than the 250-500 ms backoff").isEqualTo(2_000);
    assertThat(delay.delayMs(12, 2_000)).as("shorter than the 15-30 s backoff").isEqualTo(2_000);
  }

  @Test
  void anUnreasonableWaitIsCapped() {
    assertThat(delay.delayMs(1, 24L * 3600 * 1000)).isEqualTo(600_000);
  }
}
