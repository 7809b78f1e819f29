package dev.quorumwatch.node.config;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.proto.DailyDigest;
import dev.quorumwatch.proto.Matcher;
import dev.quorumwatch.proto.RouteSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A receiver's {@code route:} block. Without {@code group_by} every alert is its own group and
 * speaks at once; with it, alerts sharing those label values wait {@code group_wait} and are
 * sent together, like Alertmanager. {@code daily_digest: {at: "09:00", time_zone: ...}} adds a
 * daily summary of uptime and incidents.
 */
final class RouteParser {
  static final long DEFAULT_REPEAT_INTERVAL_MS = 4L * 3600 * 1000;
  static final long DEFAULT_GROUP_WAIT_MS = 30_000;
  static final long DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
  private static final Set<String> SEVERITIES = Set.of("critical", "warning");

  private RouteParser() {}

  /** {@code route} may be null: the defaults. */
  static RouteSpec parse(YamlTree route) throws ConfigException {
    RouteSpec.Builder spec = RouteSpec.newBuilder().setSendResolved(true).setRepeatIntervalMs(DEFAULT_REPEAT_INTERVAL_MS);
    if (route == null) {
      return spec.build();
    }
    route.onlyKeys(Set.of("match", "severity", "send_resolved", "repeat_interval", "group_by", "group_wait",
        "group_interval", "daily_digest"));
    spec.addAllMatchers(matchers(route, "match"));
    for (YamlTree severity : route.has("severity") ? route.list("severity") : List.<YamlTree>of()) {
      String s = severity.asString();
      if (!SEVERITIES.contains(s)) {
        throw severity.error("expected critical or warning, got '" + s + "'");
      }
      spec.addSeverities(s);
    }
    spec.setSendResolved(route.bool("send_resolved", true));
    spec.setRepeatIntervalMs(route.durationOrZeroMs("repeat_interval", DEFAULT_REPEAT_INTERVAL_MS));
    spec.addAllGroupBy(route.strings("group_by"));
    boolean grouped = spec.getGroupByCount() > 0;
    spec.setGroupWaitMs(route.durationOrZeroMs("group_wait", grouped ? DEFAULT_GROUP_WAIT_MS : 0));
    spec.setGroupIntervalMs(route.durationOrZeroMs("group_interval", grouped ? DEFAULT_GROUP_INTERVAL_MS : 0));
    if (route.has("daily_digest")) {
      YamlTree digest = route.object("daily_digest").onlyKeys(Set.of("at", "time_zone"));
      spec.setDailyDigest(DailyDigest.newBuilder().setAtMinute(LocalClock.minuteOfDay(digest, "at"))
          .setTimeZone(LocalClock.timeZone(digest)));
    }
    return spec.build();
  }

  /** A list of Alertmanager-style matchers ({@code ["service=api", "team=~core|edge"]}). */
  static List<Matcher> matchers(YamlTree parent, String key) throws ConfigException {
    List<Matcher> out = new ArrayList<>();
    if (!parent.has(key)) {
      return out;
    }
    for (YamlTree item : parent.list(key)) {
      try {
        out.add(Matchers.parse(item.asString()));
      } catch (IllegalArgumentException e) {
        throw item.error(e.getMessage());
      }
    }
    return out;
  }
}
