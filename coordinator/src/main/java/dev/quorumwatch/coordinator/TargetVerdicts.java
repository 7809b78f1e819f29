package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.heartbeat.HeartbeatChecks;
import dev.quorumwatch.coordinator.incident.TargetAlerts;
import dev.quorumwatch.coordinator.verdict.VerdictRule;
import dev.quorumwatch.coordinator.verdict.VoteCount;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.HistoryEntry;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A target's verdict and what follows from a change of it in the same entry: history,
 * uptime, the TargetDown incident, the repair ladder and the verdict event; and its
 * certificate's expiry warning.
 */
final class TargetVerdicts {
  private final Coordinator c;

  TargetVerdicts(Coordinator c) {
    this.c = c;
  }

  /** Decides a target's verdict from its votes (or, for a heartbeat target, its pings) now. */
  void evaluate(Entry entry, TargetTrack track) {
    TargetSpec spec = c.targetSpecs.get(track.targetId);
    if (spec != null && spec.hasHeartbeat()) {
      HeartbeatChecks.Judgement j = HeartbeatChecks.judge(c.heartbeats.recordOf(track.targetId), spec.getHeartbeat(),
          c.clockMs);
      changeVerdict(entry, track, j.verdict(), j.note(),
          () -> HeartbeatChecks.draftDown(Coordinator.ALERT_TARGET_DOWN, Coordinator.SEVERITY_CRITICAL, track.targetId, spec, j.note()));
      return;
    }
    VoteCount votes = VoteCount.of(track.votesByNode.values(), node -> c.membership.isFresh(node, c.clockMs));
    int quorum = c.membership.quorum();
    Verdict next = VerdictRule.decide(votes, quorum, track.verdict);
    if (!track.openIncidentId.isEmpty()) {
      c.incidents.addRegions(track.openIncidentId, TargetAlerts.downRegions(track.votesByNode.values(), c.membership,
          c.clockMs));
    }
    c.warnings.rateLimits(track, votes.noVerdictPossible(quorum), c.clockMs, entry);
    changeVerdict(entry, track, next, votes.describe(quorum), () -> TargetAlerts.draft(Coordinator.ALERT_TARGET_DOWN,
        Coordinator.SEVERITY_CRITICAL, track.targetId, spec, track.votesByNode.values(), next, c.membership, c.clockMs));
  }

  /** A target's verdict becomes {@code next} (if it is not already): history, uptime, incident, c.repairs, event. */
  private void changeVerdict(Entry entry, TargetTrack track, Verdict next, String note,
      Supplier<Incident.Builder> downAlert) {
    Verdict previous = track.verdict;
    if (next == previous) {
      return;
    }
    track.verdict = next;
    track.verdictSinceMs = c.clockMs;
    track.uptime.onVerdictKnown(c.clockMs);
    track.remember(HistoryEntry.newBuilder().setAtMs(c.clockMs).setVerdict(next).setNote(note).build(),
        Coordinator.HISTORY_KEPT);
    c.warnings.verdictChanged(track, entry);
    if (previous == Verdict.VERDICT_DOWN) {
      track.uptime.downEnded(c.clockMs);
      entry.resolve(track.openIncidentId);
      track.openIncidentId = "";
    }
    if (next == Verdict.VERDICT_DOWN) {
      track.uptime.downStarted(c.clockMs);
      track.openIncidentId = entry.open(downAlert.get()).getId();
      c.repairs.onDown(entry.index(), c.clockMs, track.targetId, c.targetSpecs.get(track.targetId).getRepair())
          .ifPresent(change -> Announcements.repairChanged(entry, change, c.targetSpecs.get(track.targetId)));
    }
    if (next == Verdict.VERDICT_UP) {
      c.repairs.onUp(c.clockMs, track.targetId).ifPresent(change -> Announcements.repairChanged(entry, change, c.targetSpecs.get(track.targetId)));
    }
    entry.add(entry.event(EventKind.EVENT_KIND_VERDICT)
        .setTargetId(track.targetId)
        .setVerdict(next)
        .setPreviousVerdict(previous)
        .setIncidentId(track.openIncidentId)
        .setMessage(note)
        .build());
  }

  /** The tracks of these target ids, in id order; ids no longer configured are skipped. */
  List<TargetTrack> tracksOf(Set<String> touched) {
    List<TargetTrack> out = new ArrayList<>();
    for (String id : new TreeSet<>(touched)) {
      TargetTrack track = c.tracks.get(id);
      if (track != null) {
        out.add(track);
      }
    }
    return out;
  }

  void checkCertificate(Entry entry, TargetTrack track) {
    track.certIncidentId = TargetAlerts.checkCertificate(track.targetId, c.targetSpecs.get(track.targetId),
        track.votesByNode.values(), track.certIncidentId, c.membership, c.clockMs, entry);
  }
}
