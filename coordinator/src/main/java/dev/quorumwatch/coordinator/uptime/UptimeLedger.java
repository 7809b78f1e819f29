package dev.quorumwatch.coordinator.uptime;

import dev.quorumwatch.proto.DailyUptime;
import dev.quorumwatch.proto.Interval;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;

/**
 * Per-target uptime from verdict intervals. Only DOWN counts as downtime; time before the
 * first known verdict is not counted at all. Intervals older than the longest window are
 * dropped, so memory stays bounded; what they said is kept longer as seconds down per UTC
 * day, rolled up as days close ({@link #closeDaysBefore}), for {@link #DAYS_KEPT} days.
 */
public final class UptimeLedger {
  public static final long WINDOW_MS_MAX = 30L * 24 * 3600 * 1000;
  public static final long DAY_MS = 24L * 3600 * 1000;
  /** A year and a bit: enough for "uptime over the last 365 days" whatever day it is asked. */
  public static final int DAYS_KEPT = 400;
  /** A closed day the intervals no longer covered when it was rolled up. */
  static final int UNKNOWN = -1;
  private static final int INTERVALS_MAX = 10_000;

  private long monitoredSinceMs;
  private final Deque<long[]> down = new ArrayDeque<>();
  /** Closed days [firstDay, rolledUntil) are rolled up; 0: none yet. */
  private long firstDay;
  private long rolledUntil;
  /** The rolled-up days that were not a clean 100 %, ascending: epoch day, and seconds down or UNKNOWN. */
  private int[] notableDays = new int[0];
  private int[] notableSeconds = new int[0];

  /** One UTC day: whether it was watched at all, its uptime and its downtime. */
  public record Day(long epochDay, boolean known, double uptimePercent, long downMs) {}

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
    long downMs = downMsWithin(from, nowMs, nowMs);
    return observed <= 0 ? 100.0 : 100.0 * (observed - downMs) / observed;
  }

  /**
   * Rolls every day before {@code todayEpochDay} not yet rolled up into seconds down, then
   * forgets days beyond {@link #DAYS_KEPT}. Days the intervals no longer cover are unknown.
   */
  public void closeDaysBefore(long todayEpochDay) {
    if (monitoredSinceMs == 0) {
      return;
    }
    long coveredFrom = coveredFrom(todayEpochDay);
    if (rolledUntil == 0) {
      firstDay = Math.max(Math.floorDiv(monitoredSinceMs, DAY_MS), coveredFrom);
      rolledUntil = firstDay;
    }
    if (rolledUntil >= todayEpochDay) {
      return;
    }
    long keptFrom = Math.max(firstDay, todayEpochDay - DAYS_KEPT);
    int kept = 0;
    while (kept < notableDays.length && notableDays[kept] < keptFrom) {
      kept++;
    }
    int[] days = new int[notableDays.length - kept + (int) (todayEpochDay - Math.max(rolledUntil, keptFrom))];
    int[] seconds = new int[days.length];
    int n = notableDays.length - kept;
    System.arraycopy(notableDays, kept, days, 0, n);
    System.arraycopy(notableSeconds, kept, seconds, 0, n);
    for (long day = Math.max(rolledUntil, keptFrom); day < todayEpochDay; day++) {
      long dayEndMs = (day + 1) * DAY_MS;
      int down = day < coveredFrom ? UNKNOWN : (int) ((downMsWithin(day * DAY_MS, dayEndMs, dayEndMs) + 999) / 1000);
      if (down != 0) {
        days[n] = (int) day;
        seconds[n++] = down;
      }
    }
    notableDays = Arrays.copyOf(days, n);
    notableSeconds = Arrays.copyOf(seconds, n);
    firstDay = keptFrom;
    rolledUntil = todayEpochDay;
    prune(todayEpochDay * DAY_MS); // a target that stays up would otherwise keep its old intervals for good
  }

  /** The first UTC day the intervals still describe in full. */
  private static long coveredFrom(long todayEpochDay) {
    return todayEpochDay - WINDOW_MS_MAX / DAY_MS;
  }

  /** The {@code count} UTC days up to and including today, oldest first. */
  public Day[] days(long nowMs, int count) {
    long today = Math.floorDiv(nowMs, DAY_MS);
    Day[] out = new Day[count];
    for (int i = 0; i < count; i++) {
      long day = today - count + 1 + i;
      long start = Math.max(day * DAY_MS, monitoredSinceMs);
      long end = Math.min((day + 1) * DAY_MS, nowMs);
      long downMs = downMsOf(day, start, end, nowMs);
      out[i] = monitoredSinceMs == 0 || end <= start || downMs < 0 ? new Day(day, false, 100.0, 0)
          : new Day(day, true, 100.0 * (end - start - Math.min(downMs, end - start)) / (end - start), downMs);
    }
    return out;
  }

  /** A day's downtime: rolled up when closed and kept, else from the intervals; -1 when not known. */
  private long downMsOf(long day, long start, long end, long nowMs) {
    if (rolledUntil != 0 && day < rolledUntil) {
      if (day < firstDay) {
        return -1;
      }
      int i = Arrays.binarySearch(notableDays, (int) day);
      return i < 0 ? 0 : notableSeconds[i] == UNKNOWN ? -1 : notableSeconds[i] * 1000L;
    }
    if (day < coveredFrom(Math.floorDiv(nowMs, DAY_MS))) {
      return -1;
    }
    return downMsWithin(start, end, nowMs);
  }

  private long downMsWithin(long from, long to, long openUntilMs) {
    long downMs = 0;
    for (long[] iv : down) {
      long start = Math.max(iv[0], from);
      long end = Math.min(iv[1] == 0 ? openUntilMs : iv[1], to);
      if (end > start) {
        downMs += end - start;
      }
    }
    return downMs;
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

  public DailyUptime daily() {
    DailyUptime.Builder b = DailyUptime.newBuilder().setFirstEpochDay(firstDay).setRolledUntilEpochDay(rolledUntil);
    for (int i = 0; i < notableDays.length; i++) {
      b.addDayOffsets((int) (notableDays[i] - firstDay)).addDownSeconds(notableSeconds[i]);
    }
    return b.build();
  }

  public void restore(long sinceMs, Collection<Interval> intervals, DailyUptime daily) {
    monitoredSinceMs = sinceMs;
    down.clear();
    for (Interval iv : intervals) {
      down.addLast(new long[] {iv.getStartMs(), iv.getEndMs()});
    }
    firstDay = daily.getFirstEpochDay();
    rolledUntil = daily.getRolledUntilEpochDay();
    notableDays = daily.getDayOffsetsList().stream().mapToInt(offset -> (int) (firstDay + offset)).toArray();
    notableSeconds = daily.getDownSecondsList().stream().mapToInt(Integer::intValue).toArray();
  }
}
