package dev.quorumwatch.node.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import org.junit.jupiter.api.Test;

class FallbackDueTest {
  final ReceiverSpec withFallback = ReceiverSpec.newBuilder().setId("slack").setFallback("mail")
      .setFallbackAfterMs(120_000).build();
  final Notification decidedAt1000 = Notification.newBuilder().setId("slack/g/1").setReceiverId("slack")
      .setCreatedMs(1_000).build();

  @Test
  void dueOnceFallbackAfterHasPassedSinceTheDecision() {
    assertThat(FallbackDue.isDue(decidedAt1000, withFallback, 120_999)).isFalse();
    assertThat(FallbackDue.isDue(decidedAt1000, withFallback, 121_000)).isTrue();
  }

  @Test
  void neverWithoutAFallbackNorForACopyAlreadyHandedOver() {
    assertThat(FallbackDue.isDue(decidedAt1000, withFallback.toBuilder().clearFallback().build(), 10_000_000)).isFalse();
    Notification copy = decidedAt1000.toBuilder().setFallbackForId("slack/g/0").build();
    assertThat(FallbackDue.isDue(copy, withFallback, 10_000_000)).isFalse();
  }
}
