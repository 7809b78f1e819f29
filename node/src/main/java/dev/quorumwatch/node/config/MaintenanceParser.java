package dev.quorumwatch.node.config;

import dev.quorumwatch.proto.MaintenanceWindow;
import java.time.DayOfWeek;
import java.util.Locale;
import java.util.Set;

/**
 * A weekly maintenance window: {@code {id, match, weekly: {days, start, duration, time_zone}}}.
 * Alerts it matches are silenced while it is open, and speak when it closes if still firing.
 */
final class MaintenanceParser {
  private static final long WEEK_MS = 7L * 24 * 3600 * 1000;

  private MaintenanceParser() {}

  static MaintenanceWindow parse(YamlTree w, String id) throws ConfigException {
    w.onlyKeys(Set.of("id", "match", "weekly", "comment"));
    MaintenanceWindow.Builder window = MaintenanceWindow.newBuilder().setId(id)
        .addAllMatchers(RouteParser.matchers(w, "match"))
        .setComment(w.string("comment", ""));
    if (window.getMatchersCount() == 0) {
      throw w.error("expected 'match' with at least one matcher (a window for everything would hide every alert)");
    }
    YamlTree weekly = w.object("weekly").onlyKeys(Set.of("days", "start", "duration", "time_zone"));
    for (YamlTree day : weekly.list("days")) {
      window.addDays(dayOfWeek(day));
    }
    if (window.getDaysCount() == 0) {
      throw weekly.child("days").error("expected at least one day (mon, tue, ... sun)");
    }
    window.setStartMinute(LocalClock.minuteOfDay(weekly, "start"));
    long duration = weekly.durationMs("duration", 0);
    if (duration <= 0 || duration > WEEK_MS) {
      throw weekly.child("duration").error("expected a duration up to 7d");
    }
    window.setDurationMs(duration);
    return window.setTimeZone(LocalClock.timeZone(weekly)).build();
  }

  private static int dayOfWeek(YamlTree day) throws ConfigException {
    String text = day.asString().toLowerCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      String name = d.name().toLowerCase(Locale.ROOT);
      if (name.equals(text) || name.substring(0, 3).equals(text)) {
        return d.getValue();
      }
    }
    throw day.error("expected a day of the week (mon, tue, ... sun), got '" + day.asString() + "'");
  }
}
