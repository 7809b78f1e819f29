package dev.quorumwatch.coordinator.time;

import dev.quorumwatch.proto.ZoneRulesSpec;
import dev.quorumwatch.proto.ZoneTransition;
import dev.quorumwatch.proto.ZoneTransitionRule;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneOffsetTransitionRule.TimeDefinition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * A time zone's rules to and from the replicated monitors spec. Only wall offsets travel (the
 * offsets local times are computed from); decoding gives rules whose offsets, gaps and
 * overlaps are the encoded ones at every instant.
 */
public final class ZoneRulesCodec {
  /** More would be no real zone (America/New_York, among the longest, has ~240). */
  public static final int TRANSITIONS_MAX = 2_000;
  public static final int LAST_RULES_MAX = 16;

  private ZoneRulesCodec() {}

  public static ZoneRulesSpec encode(String zone, ZoneRules rules, String tzdbVersion) {
    List<ZoneOffsetTransition> transitions = rules.getTransitions();
    ZoneOffset base = transitions.isEmpty() ? rules.getOffset(java.time.Instant.EPOCH)
        : transitions.get(0).getOffsetBefore();
    ZoneRulesSpec.Builder spec = ZoneRulesSpec.newBuilder().setZone(zone).setTzdbVersion(tzdbVersion)
        .setBaseOffsetS(base.getTotalSeconds());
    for (ZoneOffsetTransition t : transitions) {
      spec.addTransitions(ZoneTransition.newBuilder().setEpochSecond(t.toEpochSecond())
          .setOffsetBeforeS(t.getOffsetBefore().getTotalSeconds()).setOffsetAfterS(t.getOffsetAfter().getTotalSeconds()));
    }
    for (ZoneOffsetTransitionRule r : rules.getTransitionRules()) {
      spec.addLastRules(ZoneTransitionRule.newBuilder().setMonth(r.getMonth().getValue())
          .setDayOfMonthIndicator(r.getDayOfMonthIndicator())
          .setDayOfWeek(r.getDayOfWeek() == null ? 0 : r.getDayOfWeek().getValue())
          .setSecondOfDay(r.getLocalTime().toSecondOfDay()).setMidnightEndOfDay(r.isMidnightEndOfDay())
          .setTimeDefinition(r.getTimeDefinition().ordinal())
          .setStandardOffsetS(r.getStandardOffset().getTotalSeconds())
          .setOffsetBeforeS(r.getOffsetBefore().getTotalSeconds())
          .setOffsetAfterS(r.getOffsetAfter().getTotalSeconds()));
    }
    return spec.build();
  }

  /** Why the spec cannot be decoded, naming the field; null when it can. */
  public static String problem(ZoneRulesSpec spec) {
    if (spec.getTransitionsCount() > TRANSITIONS_MAX || spec.getLastRulesCount() > LAST_RULES_MAX) {
      return "zone_rules " + spec.getZone() + ": more than " + TRANSITIONS_MAX + " transitions or "
          + LAST_RULES_MAX + " yearly rules";
    }
    try {
      decode(spec);
      return null;
    } catch (RuntimeException e) {
      return "zone_rules " + spec.getZone() + ": " + e.getMessage();
    }
  }

  /** @throws RuntimeException (DateTimeException, IllegalArgumentException) for rules java.time refuses */
  public static ZoneRules decode(ZoneRulesSpec spec) {
    ZoneOffset base = ZoneOffset.ofTotalSeconds(spec.getBaseOffsetS());
    List<ZoneOffsetTransition> transitions = new ArrayList<>();
    for (ZoneTransition t : spec.getTransitionsList()) {
      ZoneOffset before = ZoneOffset.ofTotalSeconds(t.getOffsetBeforeS());
      ZoneOffset after = ZoneOffset.ofTotalSeconds(t.getOffsetAfterS());
      transitions.add(ZoneOffsetTransition.of(LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, before), before,
          after));
    }
    List<ZoneOffsetTransitionRule> lastRules = new ArrayList<>();
    for (ZoneTransitionRule r : spec.getLastRulesList()) {
      lastRules.add(ZoneOffsetTransitionRule.of(Month.of(r.getMonth()), r.getDayOfMonthIndicator(),
          r.getDayOfWeek() == 0 ? null : DayOfWeek.of(r.getDayOfWeek()), LocalTime.ofSecondOfDay(r.getSecondOfDay()),
          r.getMidnightEndOfDay(), TimeDefinition.values()[r.getTimeDefinition()],
          ZoneOffset.ofTotalSeconds(r.getStandardOffsetS()), ZoneOffset.ofTotalSeconds(r.getOffsetBeforeS()),
          ZoneOffset.ofTotalSeconds(r.getOffsetAfterS())));
    }
    return ZoneRules.of(base, base, List.of(), transitions, lastRules);
  }
}
