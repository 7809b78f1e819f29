package dev.quorumwatch.node.raft;

import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the leader-only duties when this node becomes a ready leader and stops them when
 * it is not any more. Ratis' leader-change notification triggers a check at once; a slow
 * poll covers the cases it does not report (for example a leader that lost its majority).
 * Ratis says nothing when a new leader becomes ready (its first entry of the term applied),
 * so while this node leads but is not ready yet it looks again every {@link #READY_POLL_MS}:
 * the dispatcher of a new leader then starts within that of being able to, not up to a
 * slow poll later, while a page may be waiting for it.
 */
public final class LeadershipWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeadershipWatcher.class);
  static final long POLL_MS = 200;
  static final long READY_POLL_MS = 10;
  /** A leader not ready after this long cannot commit (no majority answers): the slow poll will do. */
  static final long READY_POLL_FOR_MS = 5_000;

  /** What the watcher reads of this node's Raft server. */
  public interface RaftView {
    Optional<String> leaderId();

    long term();

    String selfId();

    boolean isLeaderReady();

    /** Peer connections that failed are tried again now, not after gRPC's reconnect backoff. */
    void retryPeerConnectionsNow();
  }

  /** What a leader does while it leads. */
  public interface LeaderDuty {
    void startLeading();

    void stopLeading();
  }

  private final RaftView raft;
  private final ScheduledExecutorService timer;
  private final LeaderDuty duty;
  private final long pollMs;
  private final long readyPollForMs;
  private ScheduledFuture<?> poll;
  private ScheduledFuture<?> readyPoll;
  private boolean readyPollPending;
  /** When this node was first seen leading but not ready ({@link System#nanoTime()}), or -1. */
  private long notReadySinceNanos = -1;
  private boolean closed;
  private boolean leading;
  private String lastLeader = "";

  public LeadershipWatcher(RaftView raft, ScheduledExecutorService timer, LeaderDuty duty) {
    this(raft, timer, duty, POLL_MS, READY_POLL_FOR_MS);
  }

  LeadershipWatcher(RaftView raft, ScheduledExecutorService timer, LeaderDuty duty, long pollMs, long readyPollForMs) {
    this.raft = raft;
    this.timer = timer;
    this.duty = duty;
    this.pollMs = pollMs;
    this.readyPollForMs = readyPollForMs;
  }

  public synchronized void start() {
    poll = timer.scheduleWithFixedDelay(this::poll, pollMs, pollMs, TimeUnit.MILLISECONDS);
  }

  public void nudge() {
    timer.execute(this::poll);
  }

  /**
   * Also retries the peer connections that failed, whoever leads: a follower's connections
   * to the other followers carry nothing but vote requests, so one to a peer that was down
   * stayed in gRPC's reconnect backoff (growing towards two minutes) after the peer came
   * back, and the next election's vote requests to it failed at once, without trying. After
   * a leader kill that failed an election whose candidate held the newest log (bench
   * leader-kill, global: two of ten elections, 1-2 s each). A connection that is not
   * backing off is left alone.
   */
  private synchronized void poll() {
    if (closed) {
      return;
    }
    raft.retryPeerConnectionsNow();
    check();
  }

  private synchronized void readyCheck() {
    readyPollPending = false;
    check();
  }

  private synchronized void check() {
    if (closed) {
      return;
    }
    Optional<String> leader = raft.leaderId();
    String now = leader.orElse("");
    if (!now.equals(lastLeader)) {
      if (now.isEmpty()) {
        log.warn("no leader node={} term={}", raft.selfId(), raft.term());
      } else {
        log.info("leader changed node={} leader={} term={}", raft.selfId(), now, raft.term());
      }
      lastLeader = now;
    }
    boolean ready = raft.isLeaderReady();
    if (!ready && now.equals(raft.selfId())) {
      long nowNanos = System.nanoTime();
      if (notReadySinceNanos < 0) {
        notReadySinceNanos = nowNanos;
      }
      if (!readyPollPending && nowNanos - notReadySinceNanos < TimeUnit.MILLISECONDS.toNanos(readyPollForMs)) {
        readyPollPending = true;
        readyPoll = timer.schedule(this::readyCheck, READY_POLL_MS, TimeUnit.MILLISECONDS);
      }
    } else {
      notReadySinceNanos = -1;
    }
    if (ready && !leading) {
      leading = true;
      duty.startLeading();
    } else if (!ready && leading) {
      leading = false;
      duty.stopLeading();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (readyPoll != null) {
      readyPoll.cancel(false);
    }
    if (poll != null) {
      poll.cancel(false);
    }
    if (leading) {
      leading = false;
      duty.stopLeading();
    }
  }
}
