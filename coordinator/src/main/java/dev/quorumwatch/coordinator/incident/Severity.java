package dev.quorumwatch.coordinator.incident;

/** The severities an incident has: what routes match ({@code severity:}) and receivers show. */
public final class Severity {
  public static final String CRITICAL = "critical";
  public static final String WARNING = "warning";

  private Severity() {}
}
