package dev.quorumwatch.node.report;

import java.util.Arrays;

/**
 * How long a report right after a leader change may take before it is resent on a fresh
 * client: long enough for a write across the links this node actually has, short enough that
 * a write sent to a leader that froze does not hold the reports back.
 *
 * <p>Such a write goes to a leader that may have been elected a moment ago, on a fresh
 * connection: a TCP and HTTP/2 set-up more than a write that finds its connection open, so
 * about twice a typical write. Four typical writes leave room for jitter and the new leader's
 * first entries. On loopback a write takes milliseconds and the floor decides. Across a
 * continent a write takes ~200 ms; with the floor alone (tuned on loopback) every quick
 * attempt after a leader change timed out, each on a fresh connection, and the reports
 * committed only at the usual timeout, seconds later.
 */
final class QuickRetryTimeout {
  /** Successful writes the typical one is taken from: about 16 s of heartbeats. */
  static final int WINDOW = 16;
  static final int TYPICAL_WRITES = 4;

  private final long[] recentMs = new long[WINDOW];
  /** Where the next one goes; wraps, as a node writes for years. */
  private int next;
  /** How many of {@link #recentMs} hold a write, up to the window. */
  private int held;

  /** A write that committed, and how long it took from submit to answer. */
  synchronized void committed(long tookMs) {
    recentMs[next] = tookMs;
    next = (next + 1) % WINDOW;
    held = Math.min(held + 1, WINDOW);
  }

  /** Four times the median of the recent committed writes, within {@code [floorMs, capMs]}. */
  synchronized long timeoutMs(long floorMs, long capMs) {
    if (held == 0) {
      return floorMs;
    }
    long[] sorted = Arrays.copyOf(recentMs, held);
    Arrays.sort(sorted);
    long typical = sorted[held / 2];
    return Math.min(capMs, Math.max(floorMs, TYPICAL_WRITES * typical));
  }
}
