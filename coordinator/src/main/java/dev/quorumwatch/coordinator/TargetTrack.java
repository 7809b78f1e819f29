package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.proto.HistoryEntry;
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
}
