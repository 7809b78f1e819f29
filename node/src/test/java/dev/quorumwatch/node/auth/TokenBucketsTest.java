package dev.quorumwatch.node.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  long now = 0;
  final TokenBuckets buckets = new TokenBuckets(10, 3, () -> now);

  @Test
  void aBurstGoesThroughThenCallsWaitForTheRefillPerToken() {
    assertThat(buckets.take("a")).isZero();
    assertThat(buckets.take("a")).isZero();
    assertThat(buckets.take("a")).isZero();
    assertThat(buckets.take("a")).as("10/s: the next one in 100 ms").isEqualTo(100);
    assertThat(buckets.take("b")).as("another token has its own bucket").isZero();
    now += 50_000_000;
    assertThat(buckets.take("a")).isEqualTo(50);
    now += 50_000_000;
    assertThat(buckets.take("a")).isZero();
    now += 10_000_000_000L;
    for (int i = 0; i < 3; i++) {
      assertThat(buckets.take("a")).as("refilled to the burst, not beyond").isZero();
    }
    assertThat(buckets.take("a")).isPositive();
  }
}
