package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.proto.MonitorsSpec;

/**
 * Keeps the state bounded by age, on the state clock: resolved incidents, failed
 * notifications and ping bodies are forgotten once older than the monitors file's
 * {@code retention} (or the defaults), and each target's uptime is rolled up per UTC day as
 * days close. Until every member speaks {@link Protocol#RETENTION} nothing is forgotten, so
 * replicas of both versions keep alike during a rolling upgrade.
 */
public final class Retention {
  public static final long DAY_MS = UptimeLedger.DAY_MS;
  public static final long RESOLVED_INCIDENTS_DEFAULT_MS = 90 * DAY_MS;
  public static final long FAILED_NOTIFICATIONS_DEFAULT_MS = 30 * DAY_MS;
  public static final long PING_BODIES_DEFAULT_MS = 30 * DAY_MS;
  /** Shorter would forget a resolved incident before its group's last notification goes out. */
  public static final long MIN_MS = 3_600_000;
  public static final long MAX_MS = UptimeLedger.DAYS_KEPT * DAY_MS;
  /** Age is checked once per minute of state time: finer would only cost apply time. */
  static final long SWEEP_MS = 60_000;

  private final Coordinator c;

  Retention(Coordinator c) {
    this.c = c;
  }

  /** The state clock moved from {@code previousMs} to {@code nowMs}. */
  void clockMoved(long previousMs, long nowMs) {
    boolean newMinute = previousMs / SWEEP_MS != nowMs / SWEEP_MS;
    if (!newMinute || !c.membership.membersBelow(Protocol.RETENTION).isEmpty()) {
      return;
    }
    if (Math.floorDiv(previousMs, DAY_MS) != Math.floorDiv(nowMs, DAY_MS)) {
      long today = Math.floorDiv(nowMs, DAY_MS);
      c.tracks.values().forEach(track -> track.uptime.closeDaysBefore(today));
    }
    MonitorsSpec spec = c.monitors;
    c.incidents.forgetResolvedBefore(nowMs - orDefault(spec.getRetention().getResolvedIncidentsMs(),
        RESOLVED_INCIDENTS_DEFAULT_MS));
    c.failed.forgetBefore(nowMs - orDefault(spec.getRetention().getFailedNotificationsMs(),
        FAILED_NOTIFICATIONS_DEFAULT_MS));
    c.heartbeats.forgetBodiesBefore(nowMs - orDefault(spec.getRetention().getPingBodiesMs(), PING_BODIES_DEFAULT_MS));
  }

  private static long orDefault(long configuredMs, long defaultMs) {
    return configuredMs == 0 ? defaultMs : configuredMs;
  }

  /** Why a monitors file's retention can't be used, or null. */
  static String problem(MonitorsSpec spec) {
    var r = spec.getRetention();
    for (long ms : new long[] {r.getResolvedIncidentsMs(), r.getFailedNotificationsMs(), r.getPingBodiesMs()}) {
      if (ms != 0 && (ms < MIN_MS || ms > MAX_MS)) {
        return "retention: every duration must be between 1h and " + UptimeLedger.DAYS_KEPT + "d, got " + ms + " ms";
      }
    }
    return null;
  }
}
