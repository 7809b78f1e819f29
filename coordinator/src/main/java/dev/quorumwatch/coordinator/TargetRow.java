package dev.quorumwatch.coordinator;

import dev.quorumwatch.proto.HistoryEntry;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteRecord;
import java.util.List;
import java.util.Map;

/** A read-only view of one target for the API and the status table. */
public record TargetRow(
    TargetSpec spec,
    Verdict verdict,
    long verdictSinceMs,
    String openIncidentId,
    String warningIncidentId,
    long rateLimitedSinceMs,
    String rateLimitIncidentId,
    Map<String, VoteRecord> votesByNode,
    Map<String, Boolean> freshByNode,
    double uptime24h,
    double uptime7d,
    double uptime30d,
    List<HistoryEntry> history) {}
