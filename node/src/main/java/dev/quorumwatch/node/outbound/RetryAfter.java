package dev.quorumwatch.node.outbound;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The HTTP Retry-After header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
public final class RetryAfter {
  /** A server asking for more than a day is not taken at its word. */
  public static final long MAX_MS = 24L * 3600 * 1000;

  private RetryAfter() {}

  /** Milliseconds to wait from {@code nowMs}; 0 when absent or unreadable. */
  public static long parseMs(String header, long nowMs) {
    if (header == null || header.isBlank()) {
      return 0;
    }
    String value = header.trim();
    try {
      if (value.chars().allMatch(Character::isDigit)) {
        return Math.min(MAX_MS, Long.parseLong(value) * 1000);
      }
      long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return Math.max(0, Math.min(MAX_MS, at - nowMs));
    } catch (NumberFormatException | DateTimeParseException e) {
      return 0;
    }
  }
}
