package dev.quorumwatch.node.cli;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 UTC times, as every JSON document and payload carries them. */
public final class Times {
  private Times() {}

  public static String rfc3339(long epochMs) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.MILLIS));
  }
}
