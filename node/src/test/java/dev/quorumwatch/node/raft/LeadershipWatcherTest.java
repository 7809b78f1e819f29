package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeadershipWatcherTest {
  /** Longer than any test: only a nudge or the watcher's own ready poll makes it look. */
  private static final long NO_SLOW_POLL_MS = 600_000;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final View view = new View();
  private final AtomicInteger started = new AtomicInteger();
  private final LeadershipWatcher.LeaderDuty duty = new LeadershipWatcher.LeaderDuty() {
    @Override
    public void startLeading() {
      started.incrementAndGet();
    }

    @Override
    public void stopLeading() {
      started.decrementAndGet();
    }
  };

  /** This node has won an election; Ratis says when it is ready only by being asked. */
  private static final class View implements LeadershipWatcher.RaftView {
    volatile boolean ready;
    volatile String leader = "self";
    final AtomicInteger readyAsked = new AtomicInteger();
    final AtomicInteger peerRetries = new AtomicInteger();
    volatile long lastAskedNanos;

    @Override
    public Optional<String> leaderId() {
      return Optional.of(leader);
    }

    @Override
    public long term() {
      return 2;
    }

    @Override
    public String selfId() {
      return "self";
    }

    @Override
    public boolean isLeaderReady() {
      readyAsked.incrementAndGet();
      lastAskedNanos = System.nanoTime();
      return ready;
    }

    @Override
    public void retryPeerConnectionsNow() {
      peerRetries.incrementAndGet();
    }
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void aNewLeaderStartsItsDutiesOnceReadyWithoutWaitingForTheSlowPoll() {
    try (LeadershipWatcher watcher = new LeadershipWatcher(view, timer, duty, NO_SLOW_POLL_MS, 60_000)) {
      watcher.start();
      watcher.nudge(); // Ratis' leader-change notification
      await().atMost(Duration.ofSeconds(5)).until(() -> view.readyAsked.get() >= 3);
      assertThat(started).hasValue(0);
      view.ready = true;
      await().atMost(Duration.ofSeconds(5)).until(() -> started.get() == 1);
    }
    assertThat(started).as("closing stops the duties").hasValue(0);
  }

  @Test
  void aLeaderThatStaysUnreadyIsLookedAtOftenOnlyForABoundedTime() {
    try (LeadershipWatcher watcher = new LeadershipWatcher(view, timer, duty, NO_SLOW_POLL_MS, 200)) {
      watcher.start();
      watcher.nudge();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> view.readyAsked.get() > 1 && System.nanoTime() - view.lastAskedNanos > 300_000_000L);
      assertThat(view.readyAsked.get()).as("about 200 ms of looks every 10 ms, then none").isBetween(2, 40);
      assertThat(started).hasValue(0);
    }
  }

  @Test
  void aFollowerRetriesItsPeerConnectionsAtEveryPollWhileALeaderIsKnown() {
    view.leader = "other";
    try (LeadershipWatcher watcher = new LeadershipWatcher(view, timer, duty, 20, 60_000)) {
      watcher.start();
      // Its next election must not find a peer that came back still behind a reconnect backoff.
      await().atMost(Duration.ofSeconds(5)).until(() -> view.peerRetries.get() >= 5);
    }
  }
}
