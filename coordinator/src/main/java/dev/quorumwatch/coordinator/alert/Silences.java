package dev.quorumwatch.coordinator.alert;

import dev.quorumwatch.coordinator.time.ReplicatedZones;
import dev.quorumwatch.proto.MaintenanceWindow;
import dev.quorumwatch.proto.Silence;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The only owner of silences: the replicated ones added from the CLI, and the weekly
 * maintenance windows of the monitors file. Whether an alert is silenced is a pure function
 * of its labels and the state clock, so every replica agrees.
 */
public final class Silences {
  /** Expired silences stay listed this long, then go. */
  public static final long EXPIRED_KEPT_MS = 24L * 3600 * 1000;
  public static final int ACTIVE_MAX = 1000;
  private static final long DAY_MS = 24L * 3600 * 1000;

  private final TreeMap<String, Silence> byId = new TreeMap<>();
  private List<MaintenanceWindow> windows = List.of();
  private ReplicatedZones zones = ReplicatedZones.NONE;

  /** The monitors spec's windows, and the zones their local times are in. */
  public void setWindows(List<MaintenanceWindow> next, ReplicatedZones nextZones) {
    windows = List.copyOf(next);
    zones = nextZones;
  }

  public Silence add(Silence silence) {
    byId.put(silence.getId(), silence);
    return silence;
  }

  public Optional<Silence> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Ends a silence now; returns false when it is unknown or already over. */
  public boolean expire(String id, long nowMs) {
    Silence s = byId.get(id);
    if (s == null || s.getEndsMs() <= nowMs) {
      return false;
    }
    byId.put(id, s.toBuilder().setEndsMs(nowMs).build());
    return true;
  }

  public int activeCount(long nowMs) {
    int n = 0;
    for (Silence s : byId.values()) {
      if (s.getEndsMs() > nowMs) {
        n++;
      }
    }
    return n;
  }

  public void forgetExpired(long nowMs) {
    byId.values().removeIf(s -> s.getEndsMs() + EXPIRED_KEPT_MS < nowMs);
  }

  public Collection<Silence> all() {
    return byId.values();
  }

  public void restore(Collection<Silence> silences) {
    byId.clear();
    silences.forEach(s -> byId.put(s.getId(), s));
  }

  /** Names what silences these labels now ("silence sil-12", "maintenance db-weekly"), or null. */
  public String silencedBy(Map<String, String> labels, long nowMs) {
    for (Silence s : byId.values()) {
      if (s.getStartsMs() <= nowMs && nowMs < s.getEndsMs() && Matchers.matchAll(s.getMatchersList(), labels)) {
        return "silence " + s.getId();
      }
    }
    for (MaintenanceWindow w : windows) {
      if (inWindow(w, nowMs) && Matchers.matchAll(w.getMatchersList(), labels)) {
        return "maintenance " + w.getId();
      }
    }
    return null;
  }

  /** One occurrence of a maintenance window: [startMs, endMs). */
  public record Occurrence(String windowId, long startMs, long endMs) {}

  /**
   * The occurrences of windows matching these labels that are in force now or start within
   * {@code horizonMs} (at most a week), earliest first.
   */
  public List<Occurrence> occurrences(Map<String, String> labels, long nowMs, long horizonMs) {
    List<Occurrence> out = new ArrayList<>();
    for (MaintenanceWindow w : windows) {
      if (!Matchers.matchAll(w.getMatchersList(), labels)) {
        continue;
      }
      for (long start : starts(w, nowMs - w.getDurationMs() - DAY_MS, nowMs + Math.min(horizonMs, 7 * DAY_MS))) {
        if (start + w.getDurationMs() > nowMs && start <= nowMs + horizonMs) {
          out.add(new Occurrence(w.getId(), start, start + w.getDurationMs()));
        }
      }
    }
    out.sort(Comparator.comparingLong(Occurrence::startMs));
    return out;
  }

  /** The first time after {@code nowMs} when some silence or window starts or ends; MAX_VALUE if none. */
  public long nextChangeAfter(long nowMs) {
    long next = Long.MAX_VALUE;
    for (Silence s : byId.values()) {
      if (s.getStartsMs() > nowMs) {
        next = Math.min(next, s.getStartsMs());
      }
      if (s.getEndsMs() > nowMs) {
        next = Math.min(next, s.getEndsMs());
      }
    }
    for (MaintenanceWindow w : windows) {
      for (long start : starts(w, nowMs - w.getDurationMs() - DAY_MS, nowMs + 8 * DAY_MS)) {
        if (start > nowMs) {
          next = Math.min(next, start);
        }
        if (start + w.getDurationMs() > nowMs) {
          next = Math.min(next, start + w.getDurationMs());
        }
      }
    }
    return next;
  }

  private boolean inWindow(MaintenanceWindow w, long nowMs) {
    for (long start : starts(w, nowMs - w.getDurationMs() - DAY_MS, nowMs)) {
      if (start <= nowMs && nowMs < start + w.getDurationMs()) {
        return true;
      }
    }
    return false;
  }

  /** Start instants of a window's occurrences between two instants (local days, inclusive). */
  private List<Long> starts(MaintenanceWindow w, long fromMs, long toMs) {
    String zone = w.getTimeZone();
    LocalDate day = zones.localDateTime(fromMs, zone).toLocalDate();
    LocalDate last = zones.localDateTime(toMs, zone).toLocalDate();
    List<Long> out = new ArrayList<>();
    for (; !day.isAfter(last); day = day.plusDays(1)) {
      if (w.getDaysList().contains(day.getDayOfWeek().getValue())) {
        out.add(zones.epochMs(day.atTime(LocalTime.ofSecondOfDay(w.getStartMinute() * 60L)), zone));
      }
    }
    return out;
  }
}
