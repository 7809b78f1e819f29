package dev.quorumwatch.coordinator.time;

import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ZoneRulesSpec;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The time zones of the monitors spec, from the rules it carries, so that every replica turns
 * local times (a window's start, a digest's hour) into the same instants whatever its JDK. A
 * zone the spec carries no rules for (a spec written before it carried them) falls back to
 * this JVM's database, as before.
 */
public final class ReplicatedZones {
  public static final ReplicatedZones NONE = new ReplicatedZones(Map.of());

  private final Map<String, ZoneRules> rulesByZone;

  private ReplicatedZones(Map<String, ZoneRules> rulesByZone) {
    this.rulesByZone = rulesByZone;
  }

  /** The spec's zones; rules that do not decode are left out (the monitors check refuses them first). */
  public static ReplicatedZones of(MonitorsSpec spec) {
    Map<String, ZoneRules> rules = new HashMap<>();
    for (ZoneRulesSpec z : spec.getZoneRulesList()) {
      if (ZoneRulesCodec.problem(z) == null) {
        rules.put(z.getZone(), ZoneRulesCodec.decode(z));
      }
    }
    return new ReplicatedZones(Map.copyOf(rules));
  }

  public boolean carries(String zone) {
    return rulesByZone.containsKey(zone);
  }

  /** @throws DateTimeException for a zone neither the spec nor this JVM knows */
  public ZoneRules rules(String zone) {
    ZoneRules rules = rulesByZone.get(zone);
    return rules != null ? rules : ZoneId.of(zone).getRules();
  }

  public LocalDateTime localDateTime(long epochMs, String zone) {
    Instant instant = Instant.ofEpochMilli(epochMs);
    return LocalDateTime.ofInstant(instant, rules(zone).getOffset(instant));
  }

  /**
   * The instant of a local time, as {@link java.time.ZonedDateTime#of} resolves it: in a gap
   * (clocks go forward) the time moves on by the gap's length; in an overlap (clocks go back)
   * the earlier of the two instants.
   */
  public long epochMs(LocalDateTime local, String zone) {
    ZoneRules rules = rules(zone);
    List<ZoneOffset> valid = rules.getValidOffsets(local);
    if (valid.isEmpty()) {
      ZoneOffsetTransition gap = rules.getTransition(local);
      return local.plusSeconds(gap.getDuration().getSeconds()).toInstant(gap.getOffsetAfter()).toEpochMilli();
    }
    return local.toInstant(valid.get(0)).toEpochMilli();
  }
}
