package dev.quorumwatch.node.testing;

import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.RegionEvidence;

/** Notifications as the coordinator decides them, for receiver tests. */
public final class Notifications {
  private Notifications() {}

  public static final AlertItem DOWN = AlertItem.newBuilder().setIncidentId("inc-7").setStatus("firing")
      .setAlertname("TargetDown").setTargetId("api").setSeverity("critical").setStartsMs(1_790_000_000_000L)
      .addRegions("us-east").addRegions("us-west").setSummary("api is down for 2 regions (quorum 2)")
      .addEvidence(RegionEvidence.newBuilder().setRegion("us-east").setFailureClass("timeout"))
      .addEvidence(RegionEvidence.newBuilder().setRegion("us-west").setFailureClass("refused")).build();
  /** Three targets down in one group. */
  public static final Notification FIRING = Notification.newBuilder().setId("ops/g1/1").setReceiverId("ops")
      .setStatus("firing").setClusterId("prod").setQuorum(2).setGroupId("g1")
      .addAlerts(DOWN).addAlerts(DOWN.toBuilder().setTargetId("web").setIncidentId("inc-8"))
      .addAlerts(DOWN.toBuilder().setTargetId("db").setIncidentId("inc-9")).build();
  public static final Notification RESOLVED = FIRING.toBuilder().setId("ops/g1/2").setStatus("resolved").clearAlerts()
      .addAlerts(DOWN.toBuilder().setStatus("resolved").setEndsMs(1_790_000_060_000L)).build();
}
