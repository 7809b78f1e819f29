package dev.quorumwatch.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TimedSectionsTest {
  @Test
  void aSectionWaitsOutTheLastStartAndOtherThreadsStartOnlyAfterIt() throws Exception {
    TimedSections.beforeStart();
    long startedAt = System.nanoTime();
    CountDownLatch inSection = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Long> section = CompletableFuture.supplyAsync(() -> {
      try {
        return TimedSections.timed(() -> {
          long began = System.nanoTime();
          long ownStart = System.nanoTime();
          TimedSections.beforeStart(); // the section's own restart does not wait for itself
          assertThat(System.nanoTime() - ownStart).isLessThan(TimeUnit.SECONDS.toNanos(1));
          inSection.countDown();
          assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
          return began;
        });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(inSection.await(TimedSections.START_BUSY_MS + 5_000, TimeUnit.MILLISECONDS)).isTrue();

    CompletableFuture<Void> otherStart = CompletableFuture.runAsync(() -> {
      try {
        TimedSections.beforeStart();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThatThrownBy(() -> otherStart.get(300, TimeUnit.MILLISECONDS)).as("a start beside the section waits")
        .isInstanceOf(TimeoutException.class);
    release.countDown();
    otherStart.get(2, TimeUnit.SECONDS);

    long waitedMs = TimeUnit.NANOSECONDS.toMillis(section.get(2, TimeUnit.SECONDS) - startedAt);
    assertThat(waitedMs).as("the section began once the start had settled").isGreaterThanOrEqualTo(TimedSections.START_BUSY_MS - 50);
  }
}
