package dev.quorumwatch.node.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 14d}. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /** Ten years: nothing an operator configures lasts longer, and sums with it can't overflow. */
  public static final long MAX_MS = 3650L * 86_400_000;

  /** Milliseconds, or -1 when the text is not a duration of at most {@link #MAX_MS}. */
  public static long parseMs(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches() || m.group(1).length() > 18) {
      return -1;
    }
    long n = Long.parseLong(m.group(1));
    long unitMs = switch (m.group(2)) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      default -> 86_400_000;
    };
    if (n > MAX_MS / unitMs) {
      return -1;
    }
    return n * unitMs;
  }

  public static String format(long ms) {
    if (ms % 86_400_000 == 0 && ms > 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0 && ms > 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
