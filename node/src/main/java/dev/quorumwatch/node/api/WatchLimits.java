package dev.quorumwatch.node.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many event streams (watch, watch-services) a node serves at once: each holds a thread
 * and a queue, so a client that opens thousands and never reads must not take the node
 * down. Per token (the unauthenticated API counts as one caller) and per node.
 */
final class WatchLimits {
  static final int PER_TOKEN = 32;
  static final int PER_NODE = 64;

  private final Map<String, Integer> byToken = new HashMap<>();
  private int total;

  /** Takes a slot for {@code token}'s stream: empty when one was free, else why none is. */
  synchronized Optional<String> take(String token) {
    int held = byToken.getOrDefault(token, 0);
    if (held >= PER_TOKEN) {
      return Optional.of("too many event streams for this token (" + PER_TOKEN + "); close some first");
    }
    if (total >= PER_NODE) {
      return Optional.of("too many event streams on this node (" + PER_NODE + "); try another node or later");
    }
    byToken.put(token, held + 1);
    total++;
    return Optional.empty();
  }

  synchronized void release(String token) {
    byToken.computeIfPresent(token, (t, n) -> n > 1 ? n - 1 : null);
    total--;
  }
}
