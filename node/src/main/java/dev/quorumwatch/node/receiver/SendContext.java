package dev.quorumwatch.node.receiver;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What receivers share on one node: the HTTP client (with the node's denied networks and
 * secrets), the denied networks for other protocols, a pool for blocking protocols (SMTP),
 * the node's id, and the clock.
 */
public record SendContext(HttpPoster http, DeniedNetworks denied, Executor blocking, String nodeId,
    LongSupplier clockMs) {
  /** Which node sent a notification: for receivers' logs, and for the fault-injection checker. */
  public static final String SENDER_HEADER = "X-QuorumWatch-Node";
}
