package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quorumwatch.proto.VoteState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A node whose probe loop is held up (as by a long collection, a frozen VM or a starved CPU)
 * while its target answers at once: the probes that time out across the stall are not
 * votes against the target. The control shows the same stall does vote it down otherwise.
 */
class StalledProbeTest {
  static final long STALL_MS = 1_500;
  /** When each good answer was taken ({@link System#nanoTime()}). */
  final List<Long> answeredAt = new CopyOnWriteArrayList<>();
  WatchedTarget watched;

  @BeforeEach
  void serve() throws Exception {
    watched = new WatchedTarget(ex -> {
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
  }

  @AfterEach
  void stop() {
    watched.close();
  }

  /**
   * Probes every 250 ms with a 500 ms timeout; one failure is a down vote. Waits for the first
   * up, and forgets what came before it (a cold JVM's first connect may time out for real).
   */
  void watch(ProbeScheduler.StallSource stalls) {
    watched.watchUntilUp(watched.target().setIntervalMs(250).setTimeoutMs(500).setFailureThreshold(1)
        .setRecoveryThreshold(1).build(), (t, ok, c, l) -> {
          if (ok) {
            answeredAt.add(System.nanoTime());
          }
        }, stalls);
    watched.views.clear();
  }

  /** Holds the probe loop for {@link #STALL_MS}, then waits until three probes have been answered after it. */
  void stallTheProbeLoop() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    watched.engine.group().next().execute(() -> {
      held.countDown();
      try {
        Thread.sleep(STALL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      released.countDown();
    });
    assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(released.await(5, TimeUnit.SECONDS)).isTrue();
    long after = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).until(() -> answeredAt.stream().filter(t -> t > after).count() >= 3);
  }

  @Test
  void timeoutsAcrossTheNodesOwnStallAreNoVoteAgainstTheTarget() throws Exception {
    watch(watched.engine.stalls());

    stallTheProbeLoop();

    assertThat(watched.views).as("views reported").noneMatch(v -> v.getState() == VoteState.VOTE_DOWN);
    assertThat(watched.metrics.meter("quorumwatch.probe_timeouts_across_stalls").getCount())
        .as("timeouts across the stall, set aside").isPositive();
  }

  @Test
  void withoutStallsKnownTheSameStallVotesTheTargetDown() throws Exception {
    watch(ProbeScheduler.StallSource.NONE);

    stallTheProbeLoop();

    assertThat(watched.views).as("views reported").anyMatch(v -> v.getState() == VoteState.VOTE_DOWN);
  }

  @Test
  void whileAProbeIsInFlightAQuietLoopHasNoStallsAndAHeldOneHasOneAsLongAsItWasHeld() throws Exception {
    ProbeScheduler.StallSource stalls = watched.engine.stalls();
    stalls.probeStarted();
    try {
      long before = System.nanoTime();
      Thread.sleep(300);
      assertThat(stalls.stalledMs(before, System.nanoTime())).as("nothing that would excuse a timeout")
          .isLessThan(ProbeScheduler.MIN_STALL_EXCUSING_TIMEOUT_MS);

      long heldFrom = System.nanoTime();
      holdTheLoop(400);
      // Asked at once, whether or not the loop's next tick has run yet.
      assertThat(stalls.stalledMs(heldFrom, System.nanoTime())).isBetween(300L, 600L);
    } finally {
      stalls.probeEnded();
    }
  }

  @Test
  void withNoProbeInFlightTheLoopsDoNotTick() throws Exception {
    ProbeScheduler.StallSource stalls = watched.engine.stalls();
    stalls.probeStarted();
    stalls.probeEnded();
    // The tick that was due sees none in flight and stops.
    await().atMost(Duration.ofSeconds(5)).until(() -> !((LoopStalls) stalls).ticking());

    long heldFrom = System.nanoTime();
    holdTheLoop(400);
    assertThat(stalls.stalledMs(heldFrom, System.nanoTime())).as("no tick ran late, since none was due").isZero();

    stalls.probeStarted(); // and they start again with the next probe
    try {
      long heldAgainFrom = System.nanoTime();
      holdTheLoop(400);
      assertThat(stalls.stalledMs(heldAgainFrom, System.nanoTime())).isBetween(300L, 600L);
    } finally {
      stalls.probeEnded();
    }
  }

  void holdTheLoop(long ms) throws Exception {
    watched.engine.group().next().submit(() -> {
      Thread.sleep(ms);
      return null;
    }).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aLongStallIsOneLogLineNamingTheNode() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(LoopStalls.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    watched.engine.stalls().probeStarted();
    try {
      holdTheLoop(LoopStalls.LOGGED_STALL_MS + 100);
      await().atMost(Duration.ofSeconds(5)).until(() -> !lines.list.isEmpty());
      assertThat(lines.list.get(0).getFormattedMessage()).startsWith("probe loop stalled node=local ms=");
      assertThat(lines.list.get(0).getThrowableProxy()).as("no stack trace").isNull();
    } finally {
      watched.engine.stalls().probeEnded();
      logger.detachAppender(lines);
    }
  }
}
