package dev.quorumwatch.node.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.TargetRow;
import dev.quorumwatch.node.probe.ProbeStats;
import dev.quorumwatch.proto.RepairAttempt;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  static TargetRow row(String id, Verdict verdict, double uptime) {
    return new TargetRow(TargetSpec.newBuilder().setId(id).build(), verdict, 0, "", "", 0, "", Map.of(), Map.of(), uptime,
        uptime, uptime, List.of());
  }

  @Test
  void summarisesThenListsWhatNeedsAttentionFirstWithRepairs() {
    RepairRecord repairing = RepairRecord.newBuilder().setTargetId("api").setRunning(true).setLaddersTotal(1)
        .addAttempts(RepairAttempt.newBuilder().setStepName("restart").setAttempt(2).setResult("failed")).build();
    List<String> lines = StatusReport.lines("us-west",
        List.of(row("web", Verdict.VERDICT_UP, 100), row("api", Verdict.VERDICT_DOWN, 97.5)),
        Map.of("api", new ProbeStats(60, 12, 800), "web", new ProbeStats(60, 60, 14)),
        id -> id.equals("api") ? Optional.of(repairing) : Optional.empty(), 1);
    assertThat(lines).containsExactly(
        "status report node=us-west targets=2 up=1 down=1 regional=0 degraded=0 unknown=0 open_incidents=1",
        "status target=api verdict=DOWN uptime_24h=97.500 latency_ms=800 checks=12/60"
            + " repairs=\"1 ladders, running, last restart #2 failed\"",
        "status target=web verdict=UP uptime_24h=100.000 latency_ms=14 checks=60/60 repairs=\"none\"");
  }

  @Test
  void tenThousandHealthyTargetsDoNotFloodTheLog() {
    List<TargetRow> rows = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      rows.add(row("t" + i, Verdict.VERDICT_UP, 100));
    }
    List<String> lines = StatusReport.lines("n1", rows, Map.of(), id -> Optional.empty(), 0);
    assertThat(lines).hasSize(StatusReport.TARGET_LINES_MAX + 2);
    assertThat(lines.get(lines.size() - 1)).isEqualTo("status report node=n1 more_targets=9950 (see quorumwatch targets)");
  }
}
