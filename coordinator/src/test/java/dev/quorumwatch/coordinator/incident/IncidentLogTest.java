package dev.quorumwatch.coordinator.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Incident;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentLogTest {
  @Test
  void keepsOpenIncidentsAndABoundedHistory() {
    IncidentLog log = new IncidentLog();
    log.open(incident("open-one", "t0", 1, "a"));
    for (int i = 0; i < IncidentLog.RESOLVED_KEPT_MAX + 50; i++) {
      log.open(incident("inc-" + i, "t", i, "a"));
      log.resolve("inc-" + i, i + 1);
    }
    assertThat(log.all()).hasSize(IncidentLog.RESOLVED_KEPT_MAX + 1);
    assertThat(log.get("open-one")).isPresent();
    assertThat(log.get("inc-0")).as("oldest resolved dropped").isEmpty();
    assertThat(log.get("inc-" + (IncidentLog.RESOLVED_KEPT_MAX + 49))).isPresent();
  }

  private static Incident.Builder incident(String id, String target, long startMs, String... regions) {
    return Incident.newBuilder().setId(id).setTargetId(target).setAlertname("TargetDown").setSeverity("critical")
        .setStartedMs(startMs).addAllRegions(List.of(regions));
  }

  @Test
  void regionsOnlyGrow() {
    IncidentLog log = new IncidentLog();
    log.open(incident("i", "t", 1, "us-west", "us-east"));
    log.addRegions("i", List.of("eu-west"));
    log.addRegions("i", List.of("us-west"));
    assertThat(log.get("i").orElseThrow().getRegionsList()).containsExactly("eu-west", "us-east", "us-west");
  }
}
