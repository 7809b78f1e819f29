package dev.quorumwatch.harness.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.harness.targets.WebhookSink.Arrival;
import dev.quorumwatch.proto.Incident;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run written out and read back is judged exactly as the run itself was. */
class ChaosRecordTest {
  static final ChaosChecker.Timing TIMING = new ChaosChecker.Timing(2, 1_000, 2, 2, 3_000);

  /**
   * Three nodes, every kind of entry: us-west restarted and rejoining, a machine stall, a
   * target down for two regions from 12 s to 20 s and paged only for a second target, whose
   * incident fired and resolved; eu-west leads.
   */
  static ChaosLog run() {
    ChaosLog log = new ChaosLog(3, 1_000);
    log.health(Set.of(), Set.of(), 0);
    log.targetSeenDown("a", Set.of(), 0);
    log.targetSeenDown("b", Set.of(), 0);
    log.event(5_000, "us-west SIGKILLed");
    log.health(Set.of(0), Set.of(0), 5_000);
    log.health(Set.of(), Set.of(), 8_000);
    log.rejoining(0, true, 8_000);
    log.rejoining(0, false, 9_000);
    log.stall(10_000, 10_400);
    log.targetSeenDown("a", Set.of(1, 2), 12_000);
    log.targetSeenDown("b", Set.of(0, 1, 2), 12_000);
    log.targetSeenDown("a", Set.of(), 20_000);
    log.targetSeenDown("b", Set.of(), 20_000);
    for (long at = 0; at < 30_000; at += 200) {
      log.leaderSample(at, 2);
    }
    return log;
  }

  static final List<Arrival> ARRIVALS = List.of(
      new Arrival(14_100, "k1", "firing", "TargetDown", "b", "i1", "eu-west", 14_000),
      new Arrival(21_000, "k2", "resolved", "TargetDown", "b", "i1", "eu-west", 14_000));
  static final List<Incident> INCIDENTS = List.of(
      Incident.newBuilder().setId("i1").setTargetId("b").setStartedMs(14_000).build());

  @Test
  void aRecordReadBackIsJudgedAsTheRunWas(@TempDir Path dir) throws Exception {
    ChaosLog log = run();
    ChaosChecker live = new ChaosChecker(log, TIMING, ARRIVALS, INCIDENTS, 30_000);
    List<String> liveVerdict = live.check(1);
    assertThat(liveVerdict).as("the run's own verdict: the outage of a was never paged")
        .singleElement().asString().startsWith("no firing notification for a");

    Path file = dir.resolve(ChaosRecord.FILE);
    ChaosRecord.of(TIMING, log, 30_000, 1, ARRIVALS, INCIDENTS).write(file);
    ChaosRecord read = ChaosRecord.read(file);

    assertThat(read.checker().check(read.leaderChanges())).isEqualTo(liveVerdict);
    ChaosLog replayed = ChaosLog.replay(read.nodes(), read.originMs(), read.journal());
    assertThat(replayed.journal()).isEqualTo(log.journal());
    assertThat(replayed.events()).isEqualTo(log.events()).hasSize(2);
    assertThat(replayed.stalls()).isEqualTo(log.stalls());
    assertThat(replayed.unableSpans(0)).isEqualTo(log.unableSpans(0)).isNotEmpty();
    assertThat(Files.size(file)).as("leader samples and all, compact").isLessThan(20_000);
  }

  @Test
  void aRunWithoutPagesOrIncidentsReadsBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(ChaosRecord.FILE);
    ChaosRecord.of(TIMING, new ChaosLog(3, 0), 1_000, 0, List.of(), List.of()).write(file);

    ChaosRecord read = ChaosRecord.read(file);

    assertThat(read.arrivals()).isEmpty();
    assertThat(read.incidents()).isEmpty();
    assertThat(read.checker().check(0)).isEmpty();
  }
}
