package dev.quorumwatch.node.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Wall-clock settings in the monitors file: a local time of day and the zone it is in. */
final class LocalClock {
  private static final Pattern CLOCK = Pattern.compile("([01]?\\d|2[0-3]):([0-5]\\d)");

  private LocalClock() {}

  /** {@code key: "HH:MM"} as minutes after local midnight. */
  static int minuteOfDay(YamlTree parent, String key) throws ConfigException {
    String text = parent.string(key);
    Matcher m = CLOCK.matcher(text);
    if (!m.matches()) {
      throw parent.child(key).error("expected a local time HH:MM, got '" + text + "'");
    }
    return Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
  }

  /** {@code time_zone}, an IANA zone id; UTC when absent. */
  static String timeZone(YamlTree parent) throws ConfigException {
    String zone = parent.string("time_zone", "UTC");
    try {
      ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw parent.child("time_zone").error("expected an IANA time zone such as Europe/Berlin, got '" + zone + "'");
    }
    return zone;
  }
}
