package dev.quorumwatch.coordinator.dependency;

import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each target depends on ({@code depends_on} of the target, and of every service it is an
 * endpoint of), and whether a target's TargetDown is held back now: while a dependency is
 * DOWN, and for a short wait after the dependent went down while a dependency has not been
 * judged yet (its probes may simply come later), so that fifty targets behind one gateway
 * page once, for the gateway. A held-back alert is recorded and silenced; it pages when the
 * hold ends with the target still down, and an alert already sent still gets its resolved.
 */
public final class Dependencies {
  public static final Dependencies NONE = new Dependencies(Map.of(), Map.of(), Map.of(), Map.of());
  /** Time for a dependency's verdict to arrive, on top of its own probing: one report heartbeat. */
  static final long REPORT_MS = 1_000;

  /** The current state of the cluster, as the hold needs it. */
  public interface Status {
    Verdict verdict(String targetId);

    /** The open TargetDown of a target, or "". */
    String openIncident(String targetId);

    /** Since when the target has its verdict. */
    long verdictSinceMs(String targetId);

    /** A service's active endpoint, or "" when it has none. */
    String activeEndpoint(String serviceId);
  }

  private final Map<String, List<String>> dependsOn; // target id -> its and its services' dependencies
  private final Map<String, ServiceSpec> services;
  private final Map<String, Long> holdMs; // dependency id -> time to judge it after a dependent went down
  private final Map<String, Long> recoveryMs; // dependent id -> time to see itself recover after a dependency did

  private Dependencies(Map<String, List<String>> dependsOn, Map<String, ServiceSpec> services, Map<String, Long> holdMs,
      Map<String, Long> recoveryMs) {
    this.dependsOn = dependsOn;
    this.services = services;
    this.holdMs = holdMs;
    this.recoveryMs = recoveryMs;
  }

  public static Dependencies of(MonitorsSpec spec) {
    Map<String, List<String>> edges = new HashMap<>();
    Map<String, ServiceSpec> services = new HashMap<>();
    Map<String, TargetSpec> targets = new HashMap<>();
    spec.getTargetsList().forEach(t -> targets.put(t.getId(), t));
    for (TargetSpec t : spec.getTargetsList()) {
      if (t.getDependsOnCount() > 0) {
        edges.computeIfAbsent(t.getId(), k -> new ArrayList<>()).addAll(t.getDependsOnList());
      }
    }
    for (ServiceSpec s : spec.getServicesList()) {
      if (!targets.containsKey(s.getId())) {
        services.put(s.getId(), s); // in depends_on, an id both have means the target
      }
      for (String endpoint : s.getEndpointsList()) {
        if (s.getDependsOnCount() > 0) {
          edges.computeIfAbsent(endpoint, k -> new ArrayList<>()).addAll(s.getDependsOnList());
        }
      }
    }
    Map<String, Long> hold = new HashMap<>();
    Map<String, Long> recovery = new HashMap<>();
    for (Map.Entry<String, List<String>> e : edges.entrySet()) {
      for (String d : e.getValue()) {
        hold.computeIfAbsent(d, id -> holdFor(id, targets, services));
      }
      TargetSpec dependent = targets.get(e.getKey());
      if (dependent != null && !dependent.hasHeartbeat()) {
        recovery.put(e.getKey(), dependent.getIntervalMs() * (dependent.getRecoveryThreshold() + 1) + REPORT_MS);
      }
    }
    return new Dependencies(Map.copyOf(edges), Map.copyOf(services), Map.copyOf(hold), Map.copyOf(recovery));
  }

  /** How long after a dependent went down a dependency may still be on its way to DOWN. */
  private static long holdFor(String id, Map<String, TargetSpec> targets, Map<String, ServiceSpec> services) {
    TargetSpec t = targets.get(id);
    if (t != null) {
      return t.hasHeartbeat() ? 0 : t.getIntervalMs() * (t.getFailureThreshold() + 1) + REPORT_MS;
    }
    long longest = 0;
    ServiceSpec s = services.get(id);
    for (String endpoint : s == null ? List.<String>of() : s.getEndpointsList()) {
      longest = Math.max(longest, holdFor(endpoint, targets, Map.of()));
    }
    return longest;
  }

  /**
   * Why the monitors' dependencies cannot be used (an unknown id, a target or service that
   * depends on itself, through others or through a service's endpoints), or null. A target and
   * a service may share an id; in depends_on the id then means the target.
   */
  public static String problem(MonitorsSpec spec) {
    Set<String> targets = new HashSet<>();
    Set<String> services = new HashSet<>();
    spec.getTargetsList().forEach(t -> targets.add(t.getId()));
    spec.getServicesList().forEach(s -> services.add(s.getId()));
    Map<String, List<String>> graph = new HashMap<>(); // nodes: "target x", "service y"
    for (int i = 0; i < spec.getTargetsCount(); i++) {
      TargetSpec t = spec.getTargets(i);
      for (String d : t.getDependsOnList()) {
        if (!targets.contains(d) && !services.contains(d)) {
          return "targets[" + i + "].depends_on: no target or service " + d;
        }
        graph.computeIfAbsent(TARGET + t.getId(), k -> new ArrayList<>()).add(node(d, targets));
      }
    }
    for (int i = 0; i < spec.getServicesCount(); i++) {
      ServiceSpec s = spec.getServices(i);
      for (String d : s.getDependsOnList()) {
        if (!targets.contains(d) && !services.contains(d)) {
          return "services[" + i + "].depends_on: no target or service " + d;
        }
      }
      // A service is down when its endpoints are: depending on it is depending on them.
      for (String endpoint : s.getEndpointsList()) {
        graph.computeIfAbsent(SERVICE + s.getId(), k -> new ArrayList<>()).add(TARGET + endpoint);
        for (String d : s.getDependsOnList()) {
          graph.computeIfAbsent(TARGET + endpoint, k -> new ArrayList<>()).add(node(d, targets));
        }
      }
    }
    for (String start : graph.keySet()) {
      List<String> cycle = cycleFrom(start, graph);
      if (cycle != null) {
        return "depends_on: a cycle, " + String.join(" -> ", cycle);
      }
    }
    return null;
  }

  private static final String TARGET = "target ";
  private static final String SERVICE = "service ";

  private static String node(String id, Set<String> targets) {
    return (targets.contains(id) ? TARGET : SERVICE) + id;
  }

  private static List<String> cycleFrom(String start, Map<String, List<String>> graph) {
    Deque<List<String>> paths = new ArrayDeque<>();
    paths.push(List.of(start));
    Set<String> seen = new HashSet<>();
    while (!paths.isEmpty()) {
      List<String> path = paths.pop();
      for (String next : graph.getOrDefault(path.get(path.size() - 1), List.of())) {
        List<String> longer = new ArrayList<>(path);
        longer.add(next);
        if (next.equals(start)) {
          return longer;
        }
        if (seen.add(next)) {
          paths.push(longer);
        }
      }
    }
    return null;
  }

  public boolean any() {
    return !dependsOn.isEmpty();
  }

  /**
   * Why a TargetDown of {@code targetId} that opened at {@code downSinceMs} is held back at
   * {@code clockMs}, or null when it may page: a dependency is DOWN; or one has not been judged
   * yet and may still be on its way to DOWN; or one recovered so recently that this target's
   * own probes have not had the time to see it recover too.
   */
  public String holdReason(String targetId, long downSinceMs, long clockMs, Status status) {
    String waiting = null;
    for (String d : closure(targetId)) {
      if (isDown(d, status)) {
        String incident = status.openIncident(services.containsKey(d) ? status.activeEndpoint(d) : d);
        return "dependency " + d + " is DOWN" + (incident.isEmpty() ? "" : " (" + incident + ")");
      }
      if (waiting == null) {
        long recoveredMs = recoveredAt(d, status);
        if (clockMs < downSinceMs + holdMs.getOrDefault(d, 0L)) {
          waiting = "waiting for dependency " + d + "'s verdict";
        } else if (recoveredMs > downSinceMs && clockMs < recoveredMs + recoveryMs.getOrDefault(targetId, 0L)) {
          waiting = "dependency " + d + " recovered; waiting for " + targetId + " to recover too";
        }
      }
    }
    return waiting;
  }

  /** The first time after {@code clockMs} when a hold of this target's TargetDown may end by time alone. */
  public long nextWaitEnd(String targetId, long downSinceMs, long clockMs, Status status) {
    long next = Long.MAX_VALUE;
    for (String d : closure(targetId)) {
      long recoveredMs = recoveredAt(d, status);
      for (long end : new long[] {downSinceMs + holdMs.getOrDefault(d, 0L),
          recoveredMs + recoveryMs.getOrDefault(targetId, 0L)}) {
        if (end > clockMs) {
          next = Math.min(next, end);
        }
      }
    }
    return next;
  }

  /** When a dependency that is not DOWN last changed its verdict (0 for a service without endpoint). */
  private long recoveredAt(String d, Status status) {
    String target = services.containsKey(d) ? status.activeEndpoint(d) : d;
    return target.isEmpty() ? 0 : status.verdictSinceMs(target);
  }

  private boolean isDown(String id, Status status) {
    if (services.containsKey(id)) {
      String active = status.activeEndpoint(id);
      return !active.isEmpty() && status.verdict(active) == Verdict.VERDICT_DOWN;
    }
    return status.verdict(id) == Verdict.VERDICT_DOWN;
  }

  /** Everything {@code id} depends on, directly or through its dependencies, nearest first. */
  private Set<String> closure(String id) {
    Set<String> out = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(dependsOn.getOrDefault(id, List.of()));
    while (!todo.isEmpty()) {
      String d = todo.poll();
      if (out.add(d)) {
        todo.addAll(services.containsKey(d) ? services.get(d).getDependsOnList() : dependsOn.getOrDefault(d, List.of()));
      }
    }
    return out;
  }
}
