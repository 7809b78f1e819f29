package dev.quorumwatch.coordinator.membership;

/**
 * What a replica's coordinator understands, carried in every report. A command that older
 * replicas would apply differently (reject where newer ones accept) must wait until every
 * member that has reported speaks the number that introduced it; otherwise replicas diverge
 * during a rolling upgrade.
 */
public final class Protocol {
  /** Reports carry no number: every version before receiver kinds. */
  public static final int UNNUMBERED = 0;
  /** Receiver kinds other than webhook, fallback receivers and templates; the HandOver command. */
  public static final int RECEIVER_KINDS = 2;
  /**
   * Reports say when a node's probes are rate limited, and such votes hold the verdict
   * without moving it: older replicas would count them as current.
   */
  public static final int RATE_LIMITS = 3;
  /**
   * Heartbeat targets, the Pings command and depends_on: older replicas would reject or ignore
   * them. Also: an alert sent and then silenced still gets its resolved (older replicas forgot
   * they had told the receiver).
   */
  public static final int HEARTBEATS = 4;
  /**
   * Retention by age (resolved incidents, failed notifications, ping bodies) and uptime
   * rolled up per day: older replicas would keep what newer ones forget.
   */
  public static final int RETENTION = 5;
  /**
   * The PostIncidentUpdate command, and inhibit_rules: older replicas would reject the one
   * and ignore the other (and page where newer ones hold back).
   */
  public static final int UPDATES_AND_INHIBITION = 6;
  /** What this build speaks. */
  public static final int CURRENT = UPDATES_AND_INHIBITION;

  private Protocol() {}
}
