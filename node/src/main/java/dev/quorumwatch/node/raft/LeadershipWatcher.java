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
 */
public final class LeadershipWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeadershipWatcher.class);
  static final long POLL_MS = 200;

  /** What a leader does while it leads. */
  public interface LeaderDuty {
    void startLeading();

    void stopLeading();
  }

  private final RaftNode raft;
  private final ScheduledExecutorService timer;
  private final LeaderDuty duty;
  private ScheduledFuture<?> poll;
  private boolean leading;
  private String lastLeader = "";

  public LeadershipWatcher(RaftNode raft, ScheduledExecutorService timer, LeaderDuty duty) {
    this.raft = raft;
    this.timer = timer;
    this.duty = duty;
  }

  public void start() {
    poll = timer.scheduleWithFixedDelay(this::check, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
  }

  public void nudge() {
    timer.execute(this::check);
  }

  private synchronized void check() {
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
    if (now.isEmpty()) {
      raft.retryPeerConnectionsNow(); // an election must not wait out a reconnect backoff
    }
    boolean ready = raft.isLeaderReady();
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
    if (poll != null) {
      poll.cancel(false);
    }
    if (leading) {
      leading = false;
      duty.stopLeading();
    }
  }
}
