package dev.quorumwatch.node.config;

import dev.quorumwatch.coordinator.MonitorsCheck;
import dev.quorumwatch.proto.HeartbeatCheck;
import dev.quorumwatch.proto.TargetSpec;
import java.util.Set;

/**
 * A heartbeat target: {@code {id, heartbeat: {period, grace, max_runtime, token_sha256}, labels}}.
 * Nothing probes it, so the probe settings (interval, thresholds, ...) do not apply.
 */
final class HeartbeatParser {
  static final long DEFAULT_GRACE_MS = 60_000;
  /** Heartbeats are for jobs; anything faster is a probe's work. */
  static final long MIN_PERIOD_MS = 10_000;
  static final Set<String> TARGET_KEYS = Set.of("id", "heartbeat", "labels", "depends_on");

  private HeartbeatParser() {}

  static void parse(YamlTree t, TargetSpec.Builder target) throws ConfigException {
    YamlTree h = t.object("heartbeat").onlyKeys(Set.of("period", "grace", "max_runtime", "token_sha256"));
    if (!h.has("period")) {
      throw h.error("expected a period: how often the job pings, such as 5m or 1d");
    }
    long period = h.durationMs("period", 0);
    if (period < MIN_PERIOD_MS || period > MonitorsCheck.HEARTBEAT_PERIOD_MAX_MS) {
      throw h.child("period").error("expected a duration from " + Durations.format(MIN_PERIOD_MS) + " to 365d, got "
          + Durations.format(period));
    }
    long grace = atMostAYear(h, "grace", DEFAULT_GRACE_MS);
    long maxRuntime = atMostAYear(h, "max_runtime", 0);
    String sha = h.string("token_sha256");
    if (!sha.matches("[0-9a-f]{64}")) {
      throw h.child("token_sha256").error("expected the token's SHA-256 as 64 lower-case hex digits (quorumwatch"
          + " heartbeat new-token prints a token and its hash), got " + sha.length() + " characters");
    }
    target.setHeartbeat(HeartbeatCheck.newBuilder().setPeriodMs(period).setGraceMs(grace).setMaxRuntimeMs(maxRuntime)
        .setTokenSha256(sha));
  }

  private static long atMostAYear(YamlTree h, String key, long fallbackMs) throws ConfigException {
    long ms = h.durationOrZeroMs(key, fallbackMs);
    if (ms > MonitorsCheck.HEARTBEAT_PERIOD_MAX_MS) {
      throw h.child(key).error("expected at most 365d, got " + Durations.format(ms));
    }
    return ms;
  }
}
