package dev.quorumwatch.coordinator.uptime;

import dev.quorumwatch.proto.Interval;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;

/**
 * Per-target uptime from verdict intervals. Only DOWN counts as downtime; time before the
 * first known verdict is not counted at all. Intervals older than the longest window are
 * dropped, so memory stays bounded.
 */
public final class UptimeLedger {
  public static final long WINDOW_MS_MAX = 30L * 24 * 3600 * 1000;
  private static final int INTERVALS_MAX = 10_000;

  private long monitoredSinceMs;
  private final Deque<long[]> down = new ArrayDeque<>();

  public void onVerdictKnown(long nowMs) {
    if (monitoredSinceMs == 0) {
      monitoredSinceMs = nowMs;
    }
  }

  public void downStarted(long nowMs) {
    down.addLast(new long[] {nowMs, 0});
    prune(nowMs);
  }

  public void downEnded(long nowMs) {
    long[] last = down.peekLast();
    if (last != null && last[1] == 0) {
      last[1] = nowMs;
    }
  }

  /** Percentage of the window (or of the monitored time, when shorter) the target was not DOWN. */
  public double uptimePercent(long nowMs, long windowMs) {
    if (monitoredSinceMs == 0 || nowMs <= monitoredSinceMs) {
      return 100.0;
    }
    long from = Math.max(nowMs - windowMs, monitoredSinceMs);
    long observed = nowMs - from;
    long downMs = 0;
    for (long[] iv : down) {
      long start = Math.max(iv[0], from);
      long end = iv[1] == 0 ? nowMs : Math.min(iv[1], nowMs);
      if (end > start) {
        downMs += end - start;
      }
    }
    return observed <= 0 ? 100.0 : 100.0 * (observed - downMs) / observed;
  }

  private void prune(long nowMs) {
    while (down.size() > INTERVALS_MAX
        || (!down.isEmpty() && down.peekFirst()[1] != 0 && down.peekFirst()[1] < nowMs - WINDOW_MS_MAX)) {
      down.removeFirst();
    }
  }

  public long monitoredSinceMs() {
    return monitoredSinceMs;
  }

  public Collection<Interval> intervals() {
    return down.stream().map(iv -> Interval.newBuilder().setStartMs(iv[0]).setEndMs(iv[1]).build()).toList();
  }

  public void restore(long sinceMs, Collection<Interval> intervals) {
    monitoredSinceMs = sinceMs;
    down.clear();
    for (Interval iv : intervals) {
      down.addLast(new long[] {iv.getStartMs(), iv.getEndMs()});
    }
  }
}
