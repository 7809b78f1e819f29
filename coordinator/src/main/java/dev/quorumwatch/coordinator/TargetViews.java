package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.coordinator.alert.DailyDigests;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-target views of the state: the rows the API and status page show, and the days the digest reports. */
final class TargetViews {
  private TargetViews() {}

  /** One row per configured target, in the order of the monitors file. */
  static List<TargetRow> rows(Coordinator c) {
    List<TargetRow> rows = new ArrayList<>();
    for (TargetSpec spec : c.targetSpecs.values()) {
      TargetTrack track = c.tracks.get(spec.getId());
      Map<String, VoteRecord> votes = new TreeMap<>(track.votesByNode);
      Map<String, Boolean> fresh = new TreeMap<>();
      for (String node : votes.keySet()) {
        fresh.put(node, c.membership.isFresh(node, c.clockMs));
      }
      rows.add(new TargetRow(spec, track.verdict, track.verdictSinceMs, track.openIncidentId,
          track.warningIncidentId, track.rateLimitedSinceMs, track.rateLimitIncidentId, votes, fresh,
          track.uptime.uptimePercent(c.clockMs, 24L * 3600 * 1000),
          track.uptime.uptimePercent(c.clockMs, 7L * 24 * 3600 * 1000),
          track.uptime.uptimePercent(c.clockMs, 30L * 24 * 3600 * 1000),
          List.copyOf(track.history)));
    }
    return rows;
  }

  /** Each target's 24 h up to {@code untilMs} for the daily digest: uptime and its incidents. */
  static List<DailyDigests.TargetDay> days(Coordinator c, long untilMs) {
    long from = untilMs - 24L * 3600 * 1000;
    Map<String, List<Incident>> byTarget = new HashMap<>();
    for (Incident i : c.incidents.all()) {
      if (!i.getTargetId().isEmpty() && i.getStartedMs() < untilMs && (i.getOpen() || i.getResolvedMs() >= from)) {
        byTarget.computeIfAbsent(i.getTargetId(), k -> new ArrayList<>()).add(i);
      }
    }
    List<DailyDigests.TargetDay> days = new ArrayList<>();
    for (TargetSpec spec : c.targetSpecs.values()) {
      days.add(new DailyDigests.TargetDay(spec.getId(), AlertLabels.ofTarget(spec, "", "", c.membership.clusterId()),
          c.tracks.get(spec.getId()).uptime.uptimePercent(untilMs, 24L * 3600 * 1000),
          byTarget.getOrDefault(spec.getId(), List.of())));
    }
    return days;
  }
}
