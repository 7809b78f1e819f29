package dev.quorumwatch.coordinator.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ZoneRulesSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicatedZonesTest {
  /** Zones with DST both ways, a 30-minute DST shift, none at all, and a fixed offset. */
  static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
      "Asia/Kolkata", "America/Sao_Paulo", "UTC", "+05:30");

  private static ReplicatedZones carrying(String... zones) {
    MonitorsSpec.Builder spec = MonitorsSpec.newBuilder();
    for (String z : zones) {
      spec.addZoneRules(ZoneRulesCodec.encode(z, ZoneId.of(z).getRules(), "test"));
    }
    return ReplicatedZones.of(spec.build());
  }

  @Test
  void decodedRulesGiveTheSameOffsetsAsTheJvmsAtEveryHourFor2000To2040() {
    for (String zone : ZONES) {
      ZoneRules jvm = ZoneId.of(zone).getRules();
      ZoneRules decoded = ZoneRulesCodec.decode(ZoneRulesCodec.encode(zone, jvm, "test"));
      for (long s = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();
          s < Instant.parse("2040-01-01T00:00:00Z").getEpochSecond(); s += 3600) {
        Instant at = Instant.ofEpochSecond(s);
        assertThat(decoded.getOffset(at)).as(zone + " at " + at).isEqualTo(jvm.getOffset(at));
      }
    }
  }

  @Test
  void localTimesResolveAsZonedDateTimeDoesInGapsAndOverlaps() {
    ReplicatedZones zones = carrying(ZONES.toArray(String[]::new));
    for (String zone : ZONES) {
      for (LocalDate day = LocalDate.of(2026, 1, 1); day.getYear() < 2028; day = day.plusDays(1)) {
        for (int minute = 0; minute < 24 * 60; minute += 30) {
          LocalDateTime local = day.atTime(LocalTime.ofSecondOfDay(minute * 60L));
          long expected = ZonedDateTime.of(local, ZoneId.of(zone)).toInstant().toEpochMilli();
          assertThat(zones.epochMs(local, zone)).as(zone + " " + local).isEqualTo(expected);
          assertThat(zones.localDateTime(expected, zone))
              .isEqualTo(LocalDateTime.ofInstant(Instant.ofEpochMilli(expected), ZoneId.of(zone)));
        }
      }
    }
  }

  @Test
  void theSpecsRulesWinOverThisJvmsSoEveryReplicaAgrees() {
    // As if the node that read the monitors file knew Berlin as UTC+5 all year.
    ZoneRulesSpec odd = ZoneRulesCodec.encode("Europe/Berlin", ZoneRules.of(ZoneOffset.ofHours(5)), "odd");
    ReplicatedZones zones = ReplicatedZones.of(MonitorsSpec.newBuilder().addZoneRules(odd).build());
    LocalDateTime nine = LocalDateTime.of(2026, 7, 6, 9, 0);
    assertThat(zones.epochMs(nine, "Europe/Berlin")).isEqualTo(Instant.parse("2026-07-06T04:00:00Z").toEpochMilli());
    assertThat(ReplicatedZones.NONE.epochMs(nine, "Europe/Berlin"))
        .as("without rules in the spec: this JVM's database")
        .isEqualTo(Instant.parse("2026-07-06T07:00:00Z").toEpochMilli());
  }

  @Test
  void rulesJavaTimeRefusesAreNamedNotThrown() {
    ZoneRulesSpec broken = ZoneRulesCodec.encode("Europe/Berlin", ZoneId.of("Europe/Berlin").getRules(), "x")
        .toBuilder().setBaseOffsetS(100_000).build();
    assertThat(ZoneRulesCodec.problem(broken)).startsWith("zone_rules Europe/Berlin: ");
    assertThat(ReplicatedZones.of(MonitorsSpec.newBuilder().addZoneRules(broken).build()).carries("Europe/Berlin"))
        .isFalse();
  }
}
