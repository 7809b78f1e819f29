package dev.quorumwatch.node.report;

import dev.quorumwatch.coordinator.TargetRow;
import dev.quorumwatch.node.probe.ProbeStats;
import dev.quorumwatch.proto.RepairAttempt;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The compact status report a node logs every minute: one summary line, then one line per
 * target (verdict, uptime, this node's latency and checks, repairs), the ones that need
 * attention first, at most {@link #TARGET_LINES_MAX} so ten thousand healthy targets do not
 * flood the log.
 */
public final class StatusReport {
  public static final int TARGET_LINES_MAX = 50;

  private StatusReport() {}

  public static List<String> lines(String nodeId, List<TargetRow> rows, Map<String, ProbeStats> stats,
      Function<String, Optional<RepairRecord>> repairs, int openIncidents) {
    Map<Verdict, Integer> byVerdict = new EnumMap<>(Verdict.class);
    rows.forEach(r -> byVerdict.merge(r.verdict(), 1, Integer::sum));
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "status report node=%s targets=%d up=%d down=%d regional=%d degraded=%d"
            + " unknown=%d open_incidents=%d", nodeId, rows.size(), count(byVerdict, Verdict.VERDICT_UP),
        count(byVerdict, Verdict.VERDICT_DOWN), count(byVerdict, Verdict.VERDICT_REGIONAL),
        count(byVerdict, Verdict.VERDICT_DEGRADED), count(byVerdict, Verdict.VERDICT_UNKNOWN), openIncidents));
    List<TargetRow> ordered = new ArrayList<>(rows);
    ordered.sort(Comparator.comparingInt((TargetRow r) -> attention(r, repairs.apply(r.spec().getId())))
        .thenComparing(r -> r.spec().getId()));
    for (TargetRow row : ordered.subList(0, Math.min(ordered.size(), TARGET_LINES_MAX))) {
      String id = row.spec().getId();
      ProbeStats s = stats.getOrDefault(id, new ProbeStats(0, 0, 0));
      out.add(String.format(Locale.ROOT, "status target=%s verdict=%s uptime_24h=%.3f latency_ms=%d checks=%d/%d"
              + " repairs=\"%s\"", id, row.verdict().name().replace("VERDICT_", ""), row.uptime24h(),
          s.medianLatencyMs(), s.ok(), s.total(), repairs.apply(id).map(StatusReport::describe).orElse("none")));
    }
    if (ordered.size() > TARGET_LINES_MAX) {
      out.add("status report node=" + nodeId + " more_targets=" + (ordered.size() - TARGET_LINES_MAX)
          + " (see quorumwatch targets)");
    }
    return out;
  }

  /** 0 for what needs a look (not UP, or repairing), 1 for the rest. */
  private static int attention(TargetRow row, Optional<RepairRecord> repair) {
    return row.verdict() != Verdict.VERDICT_UP || repair.map(RepairRecord::getRunning).orElse(false) ? 0 : 1;
  }

  static String describe(RepairRecord r) {
    RepairAttempt last = r.getAttemptsCount() == 0 ? null : r.getAttempts(r.getAttemptsCount() - 1);
    String state = r.getRunning() ? "running" : r.getLastResult();
    return r.getLaddersTotal() + " ladders, " + state + (last == null ? "" : ", last " + last.getStepName() + " #"
        + last.getAttempt() + " " + last.getResult());
  }

  private static int count(Map<Verdict, Integer> byVerdict, Verdict v) {
    return byVerdict.getOrDefault(v, 0);
  }
}
