package dev.quorumwatch.node.probe;

import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When this node's probe event loops ran late. While any probe is in flight, each loop runs
 * a tick every {@link #TICK_MS}; a tick at least {@link #STALL_MS} late means the loop could
 * not run for that long: a garbage collection, a frozen VM, a CPU starved by other work. A
 * probe that timed out across such a stall says nothing about its target, since the answer
 * may have been waiting in the socket while the loop was held (ProbeScheduler does not count
 * it). Between probes the loops do not tick: only a probe in flight needs its stalls known,
 * and twenty ticks a second cost an idle node ~3.4 ms of CPU a second.
 */
final class LoopStalls implements ProbeScheduler.StallSource {
  private static final Logger log = LoggerFactory.getLogger(LoopStalls.class);
  static final long TICK_MS = 50;
  static final long STALL_MS = 50;
  /** Shorter stalls are counted but not logged: one line per stall an operator should know of. */
  static final long LOGGED_STALL_MS = 300;
  /** Stalls remembered per loop; a probe lasts at most its timeout, and stalls are rare. */
  static final int KEPT = 64;
  /** A node that keeps stalling logs one line per this period, with the count, not one per stall. */
  static final long LOG_EVERY_MS = 10_000;

  private final String nodeId;
  private final List<Watch> watches = new ArrayList<>();
  /** Probes started and not yet judged; the loops tick while this is above zero. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private long lastLineNs = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MS);
  private int notLogged;

  LoopStalls(String nodeId, EventLoopGroup group) {
    this.nodeId = nodeId;
    for (EventExecutor loop : group) {
      watches.add(new Watch(loop));
    }
  }

  @Override
  public void probeStarted() {
    if (inFlight.getAndIncrement() == 0) {
      for (Watch w : watches) {
        w.startTicking();
      }
    }
  }

  @Override
  public void probeEnded() {
    inFlight.decrementAndGet(); // the ticks stop themselves once none is in flight
  }

  /** Whether any loop's ticks still run: they stop at the first tick with no probe in flight. */
  boolean ticking() {
    for (Watch w : watches) {
      synchronized (w) {
        if (w.ticking) {
          return true;
        }
      }
    }
    return false;
  }

  /** One loop's tick and its recent stalls: written by the loop, read by any thread. */
  private final class Watch {
    private final EventExecutor loop;
    private final long[] from = new long[KEPT];
    private final long[] to = new long[KEPT];
    private int recorded;
    private boolean ticking;
    private long dueNs;

    Watch(EventExecutor loop) {
      this.loop = loop;
    }

    /**
     * Starts the ticks unless they run. The due time is taken here, on the probe's thread, so
     * a loop already held when the probe starts shows as a late first tick.
     */
    void startTicking() {
      synchronized (this) {
        if (ticking) {
          return;
        }
        ticking = true;
        dueNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
      }
      scheduleTick();
    }

    /** Schedules the next tick; {@link #dueNs} is already set for it. */
    private void scheduleTick() {
      if (loop.isShuttingDown()) {
        return;
      }
      try {
        loop.schedule(this::tick, Math.max(0, dueNs - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException shuttingDown) {
        // the engine closed its loops: nothing left to watch
      }
    }

    private void tick() {
      long now = System.nanoTime();
      long lateMs;
      boolean again;
      synchronized (this) { // a stall is either recorded or still going on, never both
        lateMs = TimeUnit.NANOSECONDS.toMillis(now - dueNs);
        if (lateMs >= STALL_MS) {
          from[recorded % KEPT] = dueNs;
          to[recorded % KEPT] = now;
          recorded++;
        }
        // Read under this lock: a probe that starts meanwhile either finds the ticks running
        // or, once this block set them off, starts them again.
        again = inFlight.get() > 0;
        ticking = again;
        dueNs = now + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
      }
      if (lateMs >= LOGGED_STALL_MS) {
        logStall(lateMs, now);
      }
      if (again) {
        scheduleTick();
      }
    }

    /**
     * Nanoseconds of [fromNs, toNs] this loop was stalled, including a stall still going on:
     * a probe decided right after the loop wakes is decided before its tick has run.
     */
    synchronized long stalledNs(long fromNs, long toNs) {
      long total = 0;
      for (int i = Math.max(0, recorded - KEPT); i < recorded; i++) {
        total += overlap(from[i % KEPT], to[i % KEPT], fromNs, toNs);
      }
      long now = System.nanoTime();
      if (ticking && now - dueNs >= TimeUnit.MILLISECONDS.toNanos(STALL_MS)) {
        total += overlap(dueNs, now, fromNs, toNs);
      }
      return total;
    }
  }

  private synchronized void logStall(long lateMs, long nowNs) {
    if (nowNs - lastLineNs < TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MS)) {
      notLogged++;
      return;
    }
    log.info("probe loop stalled node={} ms={} stalls_not_logged_since_last_line={}: probe timeouts across a stall"
        + " are not counted against their targets", nodeId, lateMs, notLogged);
    lastLineNs = nowNs;
    notLogged = 0;
  }

  static long overlap(long aFrom, long aTo, long bFrom, long bTo) {
    return Math.max(0, Math.min(aTo, bTo) - Math.max(aFrom, bFrom));
  }

  /** The longest any probe loop was stalled within [fromNs, toNs] ({@link System#nanoTime()}), in ms. */
  @Override
  public long stalledMs(long fromNs, long toNs) {
    long most = 0;
    for (Watch w : watches) {
      most = Math.max(most, w.stalledNs(fromNs, toNs));
    }
    return TimeUnit.NANOSECONDS.toMillis(most);
  }
}
