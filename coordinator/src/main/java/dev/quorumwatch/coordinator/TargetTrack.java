package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.proto.DailyUptime;
import dev.quorumwatch.proto.HistoryEntry;
import dev.quorumwatch.proto.TargetRecord;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteRecord;
import java.util.ArrayDeque;
import java.util.TreeMap;

/** Everything the coordinator knows about one configured target. */
final class TargetTrack {
  final String targetId;
  final TreeMap<String, VoteRecord> votesByNode = new TreeMap<>();
  final UptimeLedger uptime = new UptimeLedger();
  Verdict verdict = Verdict.VERDICT_UNKNOWN;
  long verdictSinceMs;
  String openIncidentId = "";
  String warningIncidentId = "";
  String certIncidentId = "";
  /** Since when rate limits leave too few real answers for a verdict; 0: not so. */
  long rateLimitedSinceMs;
  String rateLimitIncidentId = "";
  final ArrayDeque<HistoryEntry> history = new ArrayDeque<>();

  TargetTrack(String targetId) {
    this.targetId = targetId;
  }

  void remember(HistoryEntry entry, int kept) {
    history.addLast(entry);
    while (history.size() > kept) {
      history.removeFirst();
    }
  }

  /** This target's part of a snapshot (a heartbeat target's pings are added by their owner). */
  TargetRecord.Builder toRecord() {
    TargetRecord.Builder record = TargetRecord.newBuilder();
    DailyUptime daily = uptime.daily();
    if (!daily.equals(DailyUptime.getDefaultInstance())) {
      record.setDaily(daily); // unset until a day is rolled up: states without one keep the bytes (and digest) they had
    }
    return record
        .setTargetId(targetId)
        .setVerdict(verdict)
        .setVerdictSinceMs(verdictSinceMs)
        .setOpenIncidentId(openIncidentId)
        .setWarningIncidentId(warningIncidentId)
        .setCertIncidentId(certIncidentId)
        .setRateLimitedSinceMs(rateLimitedSinceMs)
        .setRateLimitIncidentId(rateLimitIncidentId)
        .addAllHistory(history)
        .setMonitoredSinceMs(uptime.monitoredSinceMs())
        .addAllDown(uptime.intervals())
        .addAllVotes(votesByNode.values());
  }

  static TargetTrack fromRecord(TargetRecord r) {
    TargetTrack t = new TargetTrack(r.getTargetId());
    t.verdict = r.getVerdict();
    t.verdictSinceMs = r.getVerdictSinceMs();
    t.openIncidentId = r.getOpenIncidentId();
    t.warningIncidentId = r.getWarningIncidentId();
    t.certIncidentId = r.getCertIncidentId();
    t.rateLimitedSinceMs = r.getRateLimitedSinceMs();
    t.rateLimitIncidentId = r.getRateLimitIncidentId();
    t.history.addAll(r.getHistoryList());
    t.uptime.restore(r.getMonitoredSinceMs(), r.getDownList(), r.getDaily());
    r.getVotesList().forEach(v -> t.votesByNode.put(v.getNodeId(), v));
    return t;
  }
}
