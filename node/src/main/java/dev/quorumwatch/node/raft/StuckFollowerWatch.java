package dev.quorumwatch.node.raft;

import dev.quorumwatch.node.raft.StuckFollowers.Follower;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-only: hands leadership on when a follower is stuck ({@link StuckFollowers}). The
 * new leader starts knowing nothing of its followers' logs, finds where each one really
 * diverges, and repairs it; the cost is one leadership transfer.
 */
public final class StuckFollowerWatch {
  private static final Logger log = LoggerFactory.getLogger(StuckFollowerWatch.class);
  static final long CHECK_EVERY_MS = 1_000;
  static final long HANDOVER_TIMEOUT_MS = 5_000;

  private final RaftNode raft;
  private final ScheduledExecutorService timer;
  private final Executor handOver;
  private StuckFollowers judge;
  private ScheduledFuture<?> task;

  /** {@code handOver}: where a transfer runs (it waits for the new leader to take over). */
  public StuckFollowerWatch(RaftNode raft, ScheduledExecutorService timer, Executor handOver) {
    this.raft = raft;
    this.timer = timer;
    this.handOver = handOver;
  }

  public synchronized void start() {
    judge = new StuckFollowers();
    task = timer.scheduleWithFixedDelay(this::check, CHECK_EVERY_MS, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  private void check() {
    List<Follower> followers = raft.followerProgress();
    long leaderCommit = raft.commitIndex();
    List<String> stuck;
    synchronized (this) {
      if (task == null) {
        return;
      }
      stuck = judge.observe(System.currentTimeMillis(), leaderCommit, followers);
    }
    for (String id : stuck) {
      long commit = followers.stream().filter(f -> f.id().equals(id)).findFirst().map(Follower::commitIndex).orElse(-1L);
      List<String> others = followers.stream().filter(f -> !f.id().equals(id) && f.answering()).map(Follower::id).toList();
      log.warn("follower stuck node={} follower={} commit={} leader_commit={} for_ms={}: handing leadership on,"
          + " so that a new leader repairs its log", raft.selfId(), id, commit, leaderCommit, StuckFollowers.STUCK_AFTER_MS);
      handOver.execute(() -> {
        Optional<String> next = raft.transferLeadership(others, HANDOVER_TIMEOUT_MS);
        if (next.isEmpty()) {
          log.warn("leadership not handed on node={} stuck_follower={} candidates={}", raft.selfId(), id, others);
        }
      });
    }
  }
}
