package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.incident.IncidentOpener;
import dev.quorumwatch.coordinator.incident.TargetAlerts;
import dev.quorumwatch.coordinator.membership.Membership;
import dev.quorumwatch.proto.HistoryEntry;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The warnings about a target that wait before they open: TargetRegional and TargetDegraded
 * once the verdict stayed so for the target's {@code regional_for}, TargetRateLimited once
 * rate limits left it without a verdict that long. Owns the targets waiting for their
 * warning; that bookkeeping is derived from the tracks, so a restored state rebuilds it.
 */
final class TargetWarnings {
  /** Targets in REGIONAL or DEGRADED whose warning has not opened yet. */
  private final TreeSet<String> verdictCandidates = new TreeSet<>();
  /** Targets with no verdict possible for rate limits whose warning has not opened yet. */
  private final TreeSet<String> rateLimitCandidates = new TreeSet<>();

  /** A verdict changed: the warning of the old one resolves, a new REGIONAL or DEGRADED starts waiting. */
  void verdictChanged(TargetTrack track, IncidentOpener incidents) {
    if (!track.warningIncidentId.isEmpty()) {
      incidents.resolve(track.warningIncidentId);
      track.warningIncidentId = "";
    }
    verdictCandidates.remove(track.targetId);
    if (track.verdict == Verdict.VERDICT_REGIONAL || track.verdict == Verdict.VERDICT_DEGRADED) {
      verdictCandidates.add(track.targetId);
    }
  }

  /**
   * Notes when rate limits leave a target without a verdict (its verdict is held, not
   * judged), and resolves its TargetRateLimited warning when answers are back.
   */
  void rateLimits(TargetTrack track, boolean noVerdictPossible, long clockMs, IncidentOpener incidents) {
    if (noVerdictPossible && track.rateLimitedSinceMs == 0) {
      track.rateLimitedSinceMs = clockMs;
      rateLimitCandidates.add(track.targetId);
      track.remember(HistoryEntry.newBuilder().setAtMs(clockMs).setVerdict(track.verdict)
          .setNote("no verdict possible: too few regions have an answer, the rest are rate limited; verdict held")
          .build(), Coordinator.HISTORY_KEPT);
    } else if (!noVerdictPossible && track.rateLimitedSinceMs != 0) {
      track.rateLimitedSinceMs = 0;
      rateLimitCandidates.remove(track.targetId);
      if (!track.rateLimitIncidentId.isEmpty()) {
        incidents.resolve(track.rateLimitIncidentId);
        track.rateLimitIncidentId = "";
      }
    }
  }

  /** Opens the warnings whose wait is over. */
  void openDue(Map<String, TargetTrack> tracks, Map<String, TargetSpec> specs, Membership membership, long clockMs,
      IncidentOpener incidents) {
    for (String targetId : List.copyOf(verdictCandidates)) {
      TargetTrack track = tracks.get(targetId);
      TargetSpec spec = specs.get(targetId);
      boolean regional = track.verdict == Verdict.VERDICT_REGIONAL;
      boolean enabled = regional ? spec.getWarnings().getRegional() : spec.getWarnings().getDegraded();
      // A disabled warning keeps its candidate: enabling it later still finds the episode.
      if (enabled && clockMs - track.verdictSinceMs >= spec.getWarnings().getRegionalForMs()) {
        verdictCandidates.remove(targetId);
        track.warningIncidentId = open(track, spec, regional ? TargetAlerts.TARGET_REGIONAL
            : TargetAlerts.TARGET_DEGRADED, membership, clockMs, incidents);
      }
    }
    for (String targetId : List.copyOf(rateLimitCandidates)) {
      TargetTrack track = tracks.get(targetId);
      TargetSpec spec = specs.get(targetId);
      if (spec.getWarnings().getRateLimited()
          && clockMs - track.rateLimitedSinceMs >= spec.getWarnings().getRegionalForMs()) {
        rateLimitCandidates.remove(targetId);
        track.rateLimitIncidentId = open(track, spec, TargetAlerts.TARGET_RATE_LIMITED, membership, clockMs,
            incidents);
      }
    }
  }

  private static String open(TargetTrack track, TargetSpec spec, String alertname, Membership membership,
      long clockMs, IncidentOpener incidents) {
    return incidents.open(TargetAlerts.draft(alertname, Coordinator.SEVERITY_WARNING, track.targetId, spec,
        track.votesByNode.values(), track.verdict, membership, clockMs)).getId();
  }

  /** A target left the monitors file. */
  void forget(String targetId) {
    verdictCandidates.remove(targetId);
    rateLimitCandidates.remove(targetId);
  }

  /** Rebuilds the waiting targets from restored tracks, exactly as they stood when saved. */
  void restore(Collection<TargetTrack> tracks) {
    verdictCandidates.clear();
    rateLimitCandidates.clear();
    for (TargetTrack t : tracks) {
      if (t.rateLimitedSinceMs != 0 && t.rateLimitIncidentId.isEmpty()) {
        rateLimitCandidates.add(t.targetId);
      }
      if ((t.verdict == Verdict.VERDICT_REGIONAL || t.verdict == Verdict.VERDICT_DEGRADED)
          && t.warningIncidentId.isEmpty()) {
        verdictCandidates.add(t.targetId);
      }
    }
  }
}
