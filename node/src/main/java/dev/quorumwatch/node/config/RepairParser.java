package dev.quorumwatch.node.config;

import dev.quorumwatch.proto.CommandAction;
import dev.quorumwatch.proto.HttpAction;
import dev.quorumwatch.proto.RepairSpec;
import dev.quorumwatch.proto.RepairStep;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A target's {@code repair:} block: either explicit {@code steps}, or {@code template: classic}
 * (restart x3, 10 s apart; redeploy x2 with a 2 min timeout; rollback) with an action for
 * each of those names under {@code actions}.
 */
final class RepairParser {
  static final int DEFAULT_MAX_LADDERS_PER_HOUR = 2;
  static final long DEFAULT_WAIT_MS = 30_000;
  static final long DEFAULT_TIMEOUT_MS = 30_000;
  static final List<RepairStep> CLASSIC = List.of(
      classic("restart", 3, 10_000, 30_000),
      classic("redeploy", 2, 60_000, 120_000),
      classic("rollback", 1, 120_000, 120_000));
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

  private RepairParser() {}

  static RepairSpec parse(YamlTree r) throws ConfigException {
    r.onlyKeys(Set.of("steps", "template", "actions", "max_ladders_per_hour"));
    RepairSpec.Builder spec = RepairSpec.newBuilder()
        .setMaxLaddersPerHour(r.integer("max_ladders_per_hour", DEFAULT_MAX_LADDERS_PER_HOUR, 1, 1000));
    if (r.has("steps") == r.has("template")) {
      throw r.error("expected either steps or template: classic");
    }
    if (r.has("template")) {
      String template = r.string("template");
      if (!template.equals("classic")) {
        throw r.child("template").error("expected classic, got '" + template + "'");
      }
      YamlTree actions = r.object("actions").onlyKeys(Set.of("restart", "redeploy", "rollback"));
      for (RepairStep step : CLASSIC) {
        if (!actions.has(step.getName())) {
          throw actions.error("expected an action for " + step.getName() + " (restart, redeploy and rollback)");
        }
        spec.addSteps(withAction(step.toBuilder(), actions.object(step.getName())));
      }
      return spec.build();
    }
    Set<String> names = new HashSet<>();
    for (YamlTree s : r.list("steps")) {
      s.onlyKeys(Set.of("name", "attempts", "wait", "timeout", "http", "command"));
      String name = s.string("name");
      if (!names.add(name)) {
        throw s.child("name").error("duplicate step name '" + name + "'");
      }
      RepairStep.Builder step = RepairStep.newBuilder().setName(name)
          .setAttempts(s.integer("attempts", 1, 1, 100))
          .setWaitMs(s.durationOrZeroMs("wait", DEFAULT_WAIT_MS))
          .setTimeoutMs(s.durationMs("timeout", DEFAULT_TIMEOUT_MS));
      spec.addSteps(withAction(step, s));
    }
    if (spec.getStepsCount() == 0) {
      throw r.child("steps").error("expected at least one step");
    }
    return spec.build();
  }

  /** Reads {@code http:} or {@code command:} from {@code holder}. */
  private static RepairStep withAction(RepairStep.Builder step, YamlTree holder) throws ConfigException {
    if (holder.has("http") == holder.has("command")) {
      throw holder.error("expected exactly one action: http or command");
    }
    if (holder.has("command")) {
      YamlTree command = holder.object("command").onlyKeys(Set.of("argv"));
      List<String> argv = command.strings("argv");
      if (argv.isEmpty()) {
        throw command.child("argv").error("expected the program and its arguments, e.g. [\"/usr/local/bin/restart\", \"api\"]");
      }
      if (argv.get(0).contains("${")) {
        // The program is what node.yaml's repair.allowed_commands allows: it is named, never looked up.
        throw command.child("argv").error("expected the program as a path, not a reference, got '" + argv.get(0) + "'");
      }
      return step.setCommand(CommandAction.newBuilder().addAllArgv(argv)).build();
    }
    YamlTree http = holder.object("http").onlyKeys(Set.of("method", "url", "headers", "body", "expect_status"));
    String method = http.string("method", "POST").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw http.child("method").error("expected GET, POST, PUT, PATCH or DELETE, got '" + method + "'");
    }
    String url = http.string("url");
    if (!url.contains("${")) {
      url = MonitorsParser.httpUrl(http, "url");
    } else if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw http.child("url").error("expected an http:// or https:// URL, got '" + url + "'");
    }
    HttpAction.Builder action = HttpAction.newBuilder().setMethod(method).setUrl(url).setBody(http.string("body", ""));
    action.addAllHeaders(HeadersParser.parse(http));
    if (http.has("expect_status")) {
      for (YamlTree code : http.list("expect_status")) {
        action.addExpectStatus(code.asInt(100, 599));
      }
    }
    return step.setHttp(action).build();
  }

  private static RepairStep classic(String name, int attempts, long waitMs, long timeoutMs) {
    return RepairStep.newBuilder().setName(name).setAttempts(attempts).setWaitMs(waitMs).setTimeoutMs(timeoutMs).build();
  }
}
