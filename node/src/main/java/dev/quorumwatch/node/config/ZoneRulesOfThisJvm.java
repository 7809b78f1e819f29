package dev.quorumwatch.node.config;

import dev.quorumwatch.coordinator.time.ZoneRulesCodec;
import dev.quorumwatch.proto.MaintenanceWindow;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import java.time.ZoneId;
import java.time.zone.ZoneRulesProvider;
import java.util.NavigableMap;
import java.util.TreeSet;

/**
 * Puts the rules of every time zone a monitors spec names into the spec, from this JVM's
 * time-zone database, so the replicas compute local times from the same rules (a JDK update
 * on one node cannot move a maintenance window on that node alone).
 */
final class ZoneRulesOfThisJvm {
  private ZoneRulesOfThisJvm() {}

  /** Zone names were checked by the parsers before this. */
  static MonitorsSpec attach(MonitorsSpec spec) {
    TreeSet<String> zones = new TreeSet<>();
    for (MaintenanceWindow w : spec.getMaintenanceList()) {
      zones.add(w.getTimeZone());
    }
    for (ReceiverSpec r : spec.getReceiversList()) {
      if (r.getRoute().hasDailyDigest()) {
        zones.add(r.getRoute().getDailyDigest().getTimeZone());
      }
    }
    MonitorsSpec.Builder out = spec.toBuilder().clearZoneRules();
    for (String zone : zones) {
      out.addZoneRules(ZoneRulesCodec.encode(zone, ZoneId.of(zone).getRules(), tzdbVersion(zone)));
    }
    return out.build();
  }

  private static String tzdbVersion(String zone) {
    try {
      NavigableMap<String, ?> versions = ZoneRulesProvider.getVersions(zone);
      return versions.isEmpty() ? "" : versions.lastKey();
    } catch (RuntimeException e) {
      return ""; // a fixed offset such as UTC+02:00 has no database entry
    }
  }
}
