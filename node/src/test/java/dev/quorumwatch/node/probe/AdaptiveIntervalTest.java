package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.outbound.RetryAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.proto.VoteState;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A target that rate-limits us: the interval backs off as asked, comes back after, and no down vote is cast. */
class AdaptiveIntervalTest {
  static final long INTERVAL_MS = 200;
  final List<Long> requestsAt = new CopyOnWriteArrayList<>();
  final AtomicBoolean limiting = new AtomicBoolean(false);
  WatchedTarget watched;

  @AfterEach
  void stop() {
    if (watched != null) {
      watched.close();
    }
  }

  /** A server answering 429 while {@code limiting}, with {@code retryAfter} when not null. */
  void serve(String retryAfter) throws Exception {
    watched = new WatchedTarget(ex -> {
      requestsAt.add(System.currentTimeMillis());
      if (limiting.get()) {
        if (retryAfter != null) {
          ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(429, -1);
      } else {
        ex.sendResponseHeaders(200, -1);
      }
      ex.close();
    });
    watched.watchUntilUp(watched.target().setIntervalMs(INTERVAL_MS).setTimeoutMs(150).setFailureThreshold(2)
        .setRecoveryThreshold(2).setMaxIntervalMs(3_000).build(), (t, ok, c, l) -> { },
        ProbeScheduler.StallSource.NONE);
  }

  /** The gaps between the requests made since {@code from}. */
  List<Long> gapsSince(int from) {
    List<Long> gaps = new java.util.ArrayList<>();
    for (int i = Math.max(1, from); i < requestsAt.size(); i++) {
      gaps.add(requestsAt.get(i) - requestsAt.get(i - 1));
    }
    return gaps;
  }

  @Test
  void aRetryAfterIsWaitedOutAsAskedNeverLongerAndTheFirstAnswerRestoresTheInterval() throws Exception {
    serve("1");
    limiting.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> watched.scheduler.currentIntervalMs("api") == 1_000);
    int limitedFrom = requestsAt.size();
    await().atMost(Duration.ofSeconds(10)).until(() -> requestsAt.size() >= limitedFrom + 3);
    assertThat(gapsSince(limitedFrom)).as("what the server asked: 1 s, not the 3 s maximum")
        .allSatisfy(gap -> assertThat(gap).isBetween(900L, 2_000L));
    assertThat(watched.scheduler.currentIntervalMs("api")).isEqualTo(1_000);

    limiting.set(false);
    int recoveredFrom = requestsAt.size();
    await().atMost(Duration.ofSeconds(3)).until(() -> requestsAt.size() >= recoveredFrom + 4);
    assertThat(watched.scheduler.currentIntervalMs("api")).as("back at once, not halving step by step").isEqualTo(INTERVAL_MS);
    List<Long> after = gapsSince(recoveredFrom + 1);
    // The shortest of the last three gaps: one late probe on a loaded machine is not a longer interval.
    assertThat(Collections.min(after.subList(after.size() - 3, after.size())))
        .as("back at the configured interval").isLessThan(INTERVAL_MS + 150);
    assertThat(watched.views).as("a 429 is no down vote").noneMatch(v -> v.getState() == VoteState.VOTE_DOWN);
  }

  @Test
  void withoutRetryAfterTheIntervalDoublesUpToItsMaximum() throws Exception {
    serve(null);
    limiting.set(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> watched.scheduler.currentIntervalMs("api") >= 3_000);
    int limitedFrom = requestsAt.size();
    await().atMost(Duration.ofSeconds(10)).until(() -> requestsAt.size() >= limitedFrom + 2);
    assertThat(gapsSince(limitedFrom)).as("backed off to the maximum").allSatisfy(gap -> assertThat(gap)
        .isGreaterThanOrEqualTo(2_900));
    limiting.set(false);
    await().atMost(Duration.ofSeconds(5)).until(() -> watched.scheduler.currentIntervalMs("api") == INTERVAL_MS);
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    assertThat(RetryAfter.parseMs("120", 0)).isEqualTo(120_000);
    assertThat(RetryAfter.parseMs("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_470_000L)).isEqualTo(10_000);
    assertThat(RetryAfter.parseMs("soon", 0)).isZero();
    assertThat(RetryAfter.parseMs(null, 0)).isZero();
  }
}
