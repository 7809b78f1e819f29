package dev.quorumwatch.coordinator.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentLogTest {
  @Test
  void keepsOpenIncidentsAndABoundedHistory() {
    IncidentLog log = new IncidentLog();
    log.open("open-one", "t0", "critical", 1, 1, List.of("a"), List.of());
    for (int i = 0; i < IncidentLog.RESOLVED_KEPT_MAX + 50; i++) {
      log.open("inc-" + i, "t", "critical", i, i, List.of("a"), List.of());
      log.resolve("inc-" + i, i + 1);
    }
    assertThat(log.all()).hasSize(IncidentLog.RESOLVED_KEPT_MAX + 1);
    assertThat(log.get("open-one")).isPresent();
    assertThat(log.get("inc-0")).as("oldest resolved dropped").isEmpty();
    assertThat(log.get("inc-" + (IncidentLog.RESOLVED_KEPT_MAX + 49))).isPresent();
  }

  @Test
  void regionsOnlyGrow() {
    IncidentLog log = new IncidentLog();
    log.open("i", "t", "critical", 1, 1, List.of("us-west", "us-east"), List.of());
    log.addRegions("i", List.of("eu-west"));
    log.addRegions("i", List.of("us-west"));
    assertThat(log.get("i").orElseThrow().getRegionsList()).containsExactly("eu-west", "us-east", "us-west");
  }
}
