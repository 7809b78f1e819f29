package dev.quorumwatch.node.statuspage;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.coordinator.alert.Silences;
import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.IncidentUpdate;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.StatusGroupSpec;
import dev.quorumwatch.proto.StatusItemSpec;
import dev.quorumwatch.proto.StatusPageSpec;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one public status page shows, read from this node's replica: only the listed items,
 * under their public names. Nothing here carries a target's id, URL, labels or an alert's
 * summary, since those are private; an incident is told by its item's public name and the
 * updates operators wrote for the public.
 */
public record PublicStatus(String pageId, String title, String clusterId, long generatedMs, List<Group> groups,
    List<PublicIncident> incidents, List<Maintenance> maintenance) {
  /** Days of uptime bars per item. */
  public static final int DAYS = 90;
  /** Resolved incidents shown: those of the last two weeks, at most this many. */
  static final int RESOLVED_SHOWN = 20;
  static final long RESOLVED_SHOWN_MS = 14L * 86_400_000;
  /** Maintenance announced this far ahead. */
  static final long MAINTENANCE_AHEAD_MS = 7L * 86_400_000;

  public enum State { OPERATIONAL, DOWN, MAINTENANCE, UNKNOWN }

  public record Group(String name, List<Item> items) {}

  /** {@code badgeId}: the id badges are served under (the target or service id). */
  public record Item(String name, String badgeId, State state, List<UptimeLedger.Day> days) {
    /** Uptime over the known days of the bars, or NaN when none is known. */
    public double uptimePercent() {
      long watched = 0;
      double up = 0;
      for (UptimeLedger.Day d : days) {
        if (d.known()) {
          watched++;
          up += d.uptimePercent();
        }
      }
      return watched == 0 ? Double.NaN : up / watched;
    }
  }

  public record PublicIncident(String id, List<String> items, boolean open, long startedMs, long resolvedMs,
      List<IncidentUpdate> updates) {
    /** The time of the latest thing said or known about it. */
    public long updatedMs() {
      long last = Math.max(startedMs, resolvedMs);
      for (IncidentUpdate u : updates) {
        last = Math.max(last, u.getAtMs());
      }
      return last;
    }
  }

  public record Maintenance(List<String> items, long startMs, long endMs) {}

  /** The page with this id, or empty when the monitors file has none. Call under the replica's read lock. */
  public static Optional<PublicStatus> of(Coordinator c, String pageId) {
    return c.monitors().getStatusPagesList().stream().filter(p -> p.getId().equals(pageId)).findFirst()
        .map(page -> build(c, page));
  }

  /** The listed item whose badge id this is, on any page; empty when no page lists it. */
  public static Optional<Item> badge(Coordinator c, String badgeId) {
    for (StatusPageSpec page : c.monitors().getStatusPagesList()) {
      for (StatusGroupSpec g : page.getGroupsList()) {
        for (StatusItemSpec i : g.getItemsList()) {
          if (idOf(i).equals(badgeId)) {
            return Optional.of(item(c, i));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static PublicStatus build(Coordinator c, StatusPageSpec page) {
    List<Group> groups = new ArrayList<>();
    Map<String, List<String>> itemsByTarget = new HashMap<>();
    Map<String, List<String>> announcedOnlyByTarget = new HashMap<>();
    for (StatusGroupSpec g : page.getGroupsList()) {
      List<Item> items = new ArrayList<>();
      for (StatusItemSpec i : g.getItemsList()) {
        items.add(item(c, i));
        if (i.hasTargetId()) {
          itemsByTarget.computeIfAbsent(i.getTargetId(), k -> new ArrayList<>()).add(i.getName());
        } else {
          for (String endpoint : service(c, i.getServiceId()).getEndpointsList()) {
            announcedOnlyByTarget.computeIfAbsent(endpoint, k -> new ArrayList<>()).add(i.getName());
          }
        }
      }
      groups.add(new Group(g.getName(), items));
    }
    return new PublicStatus(page.getId(), page.getTitle(), c.membership().clusterId(), c.clockMs(), groups,
        incidents(c, itemsByTarget, announcedOnlyByTarget), maintenance(c, page));
  }

  /**
   * A listed target's outages (TargetDown), and its endpoints' outages for a listed service
   * once an operator has written an update: a failover usually hides an endpoint's outage
   * from the public, so it is news only when someone says so.
   */
  private static List<PublicIncident> incidents(Coordinator c, Map<String, List<String>> itemsByTarget,
      Map<String, List<String>> announcedOnlyByTarget) {
    List<PublicIncident> open = new ArrayList<>();
    List<PublicIncident> resolved = new ArrayList<>();
    for (Incident i : c.incidents()) {
      if (!i.getAlertname().equals(Coordinator.ALERT_TARGET_DOWN)) {
        continue;
      }
      List<String> names = new ArrayList<>(itemsByTarget.getOrDefault(i.getTargetId(), List.of()));
      if (i.getUpdatesCount() > 0) {
        announcedOnlyByTarget.getOrDefault(i.getTargetId(), List.of()).stream().filter(n -> !names.contains(n))
            .forEach(names::add);
      }
      if (names.isEmpty() || (!i.getOpen() && i.getResolvedMs() < c.clockMs() - RESOLVED_SHOWN_MS)) {
        continue;
      }
      (i.getOpen() ? open : resolved).add(new PublicIncident(i.getId(), names, i.getOpen(), i.getStartedMs(),
          i.getResolvedMs(), i.getUpdatesList()));
    }
    open.sort(Comparator.comparingLong(PublicIncident::startedMs).reversed());
    resolved.sort(Comparator.comparingLong(PublicIncident::resolvedMs).reversed());
    open.addAll(resolved.subList(0, Math.min(resolved.size(), RESOLVED_SHOWN)));
    return open;
  }

  /** Maintenance windows in force or within a week for any listed item, merged per occurrence. */
  private static List<Maintenance> maintenance(Coordinator c, StatusPageSpec page) {
    Map<String, Maintenance> byOccurrence = new java.util.LinkedHashMap<>();
    for (StatusGroupSpec g : page.getGroupsList()) {
      for (StatusItemSpec i : g.getItemsList()) {
        for (Silences.Occurrence o : occurrences(c, i)) {
          Maintenance m = byOccurrence.computeIfAbsent(o.windowId() + "@" + o.startMs(),
              k -> new Maintenance(new ArrayList<>(), o.startMs(), o.endMs()));
          if (!m.items().contains(i.getName())) {
            m.items().add(i.getName());
          }
        }
      }
    }
    List<Maintenance> out = new ArrayList<>(byOccurrence.values());
    out.sort(Comparator.comparingLong(Maintenance::startMs));
    return out;
  }

  private static Item item(Coordinator c, StatusItemSpec i) {
    String target = i.hasTargetId() ? i.getTargetId() : activeEndpoint(c, i.getServiceId());
    Verdict verdict = target.isEmpty() ? Verdict.VERDICT_UNKNOWN : c.verdictOf(target);
    boolean inMaintenance = occurrences(c, i).stream().anyMatch(o -> o.startMs() <= c.clockMs());
    State state = verdict == Verdict.VERDICT_UP ? State.OPERATIONAL
        : inMaintenance ? State.MAINTENANCE
        : verdict == Verdict.VERDICT_DOWN ? State.DOWN : State.UNKNOWN;
    List<UptimeLedger.Day> days = i.hasTargetId() ? c.dailyUptime(i.getTargetId(), DAYS)
        : bestEndpointDays(c, service(c, i.getServiceId()));
    return new Item(i.getName(), idOf(i), state, days);
  }

  /**
   * A service's day is its best endpoint's day: exact when one endpoint carried it, a lower
   * bound on the service's uptime when its endpoints failed at different times.
   */
  private static List<UptimeLedger.Day> bestEndpointDays(Coordinator c, ServiceSpec service) {
    List<UptimeLedger.Day> best = null;
    for (String endpoint : service.getEndpointsList()) {
      List<UptimeLedger.Day> days = c.dailyUptime(endpoint, DAYS);
      if (best == null) {
        best = new ArrayList<>(days);
        continue;
      }
      for (int d = 0; d < days.size(); d++) {
        UptimeLedger.Day mine = days.get(d);
        if (mine.known() && (!best.get(d).known() || mine.uptimePercent() > best.get(d).uptimePercent())) {
          best.set(d, mine);
        }
      }
    }
    return best == null ? List.of() : best;
  }

  private static List<Silences.Occurrence> occurrences(Coordinator c, StatusItemSpec i) {
    List<Silences.Occurrence> out = new ArrayList<>();
    List<String> targets = i.hasTargetId() ? List.of(i.getTargetId()) : service(c, i.getServiceId()).getEndpointsList();
    for (String t : targets) {
      Optional<TargetSpec> spec = c.targetSpec(t);
      if (spec.isPresent()) {
        out.addAll(c.maintenance(AlertLabels.ofTarget(spec.get(), Coordinator.ALERT_TARGET_DOWN, "critical",
            c.membership().clusterId()), MAINTENANCE_AHEAD_MS));
      }
    }
    return out;
  }

  private static String activeEndpoint(Coordinator c, String serviceId) {
    return c.service(serviceId).map(r -> r.getActiveEndpoint()).orElse("");
  }

  private static ServiceSpec service(Coordinator c, String serviceId) {
    return c.monitors().getServicesList().stream().filter(s -> s.getId().equals(serviceId)).findFirst()
        .orElse(ServiceSpec.getDefaultInstance());
  }

  private static String idOf(StatusItemSpec i) {
    return i.hasTargetId() ? i.getTargetId() : i.getServiceId();
  }
}
