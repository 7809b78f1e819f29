package dev.quorumwatch.coordinator.membership;

import dev.quorumwatch.coordinator.incident.IncidentOpener;
import dev.quorumwatch.coordinator.incident.Severity;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.SetCluster;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Alerts about the monitor itself: a member that has not reported for {@link #downAfterMs}
 * (MonitorNodeDown), and a cluster down to a bare quorum of members not down
 * (MonitorQuorumAtRisk). Judged only once a quorum has been fresh for {@code stale_after}, so
 * a cluster (re)starting gives its members time to report before anyone is called down; a
 * member that has never reported gets {@link #FIRST_REPORT_GRACE_MS}.
 */
public final class MonitorHealth {
  public static final String ALERT_NODE_DOWN = "MonitorNodeDown";
  public static final String ALERT_QUORUM_AT_RISK = "MonitorQuorumAtRisk";
  /**
   * How long a member that has never reported may stay silent, counted from when a quorum
   * became fresh, before it is called down: a first start (JVM, scheduling, a pod being
   * placed) takes longer than {@code stale_after}, and paging for it is noise.
   */
  public static final long FIRST_REPORT_GRACE_MS = 30_000;
  private static final String QUORUM_KEY = "quorum";
  private static final String NODE_KEY_PREFIX = "node:";

  /**
   * How long a member may go without a committed report before it is called down:
   * {@code stale_after} and a third more. Its votes stop counting at {@code stale_after}, but
   * a member that only could not report while the cluster had no leader is past that for a
   * moment after the next leader's first commit, until its resent report commits too: across
   * continents, 6 of 30 leader kills opened a MonitorNodeDown for a live member and a
   * MonitorQuorumAtRisk page, and resolved both 80-300 ms later (bench leader-kill --wan
   * global). A third of {@code stale_after} is one heartbeat interval by default.
   */
  public static long downAfterMs(SetCluster cluster) {
    return cluster.getStaleAfterMs() + cluster.getStaleAfterMs() / 3;
  }

  /** Open alerts about the monitor: "node:<id>" or "quorum" to incident id. */
  private final TreeMap<String, String> open = new TreeMap<>();
  private long quorumFreshSinceMs;

  public void watch(Membership membership, SortedSet<String> fresh, long clockMs, IncidentOpener incidents) {
    SetCluster cluster = membership.settings();
    if (cluster.getMembersCount() == 0) {
      return;
    }
    if (fresh.size() < cluster.getQuorum()) {
      quorumFreshSinceMs = 0;
      return;
    }
    if (quorumFreshSinceMs == 0) {
      quorumFreshSinceMs = clockMs;
    }
    if (clockMs - quorumFreshSinceMs < cluster.getStaleAfterMs()) {
      return;
    }
    boolean firstReportsDue = clockMs - quorumFreshSinceMs >= FIRST_REPORT_GRACE_MS;
    long downAfterMs = downAfterMs(cluster);
    Set<String> members = new TreeSet<>();
    Set<String> awaitingFirstReport = new TreeSet<>();
    List<String> notDown = new ArrayList<>();
    for (Member m : cluster.getMembersList()) {
      members.add(m.getId());
      String key = NODE_KEY_PREFIX + m.getId();
      long lastSeen = membership.node(m.getId()).map(n -> n.getLastHeartbeatMs()).orElse(0L);
      if (lastSeen == 0 && !firstReportsDue) {
        awaitingFirstReport.add(m.getId());
        continue;
      }
      boolean down = clockMs - lastSeen > downAfterMs;
      if (!down) {
        notDown.add(m.getId());
      }
      if (down && !open.containsKey(key)) {
        Incident.Builder draft = Incident.newBuilder()
            .setAlertname(ALERT_NODE_DOWN)
            .setSeverity(Severity.WARNING)
            .setNodeId(m.getId())
            .addRegions(membership.regionOf(m.getId()))
            .addLabels(Label.newBuilder().setName("region").setValue(membership.regionOf(m.getId())))
            .setSummary("monitor node " + m.getId() + " has not reported for more than "
                + downAfterMs + " ms" + (lastSeen == 0 ? " (never seen)" : ""));
        open.put(key, incidents.open(draft).getId());
      } else if (!down && open.containsKey(key)) {
        incidents.resolve(open.remove(key));
      }
    }
    for (String key : List.copyOf(open.keySet())) {
      if (key.startsWith(NODE_KEY_PREFIX) && !members.contains(key.substring(NODE_KEY_PREFIX.length()))) {
        incidents.resolve(open.remove(key)); // no longer a member
      }
    }
    boolean atRisk = cluster.getMembersCount() > cluster.getQuorum() && notDown.size() == cluster.getQuorum()
        && awaitingFirstReport.isEmpty();
    if (atRisk && !open.containsKey(QUORUM_KEY)) {
      Incident.Builder draft = Incident.newBuilder()
          .setAlertname(ALERT_QUORUM_AT_RISK)
          .setSeverity(Severity.CRITICAL)
          .addAllRegions(notDown.stream().map(membership::regionOf).sorted().toList())
          .setSummary("only " + notDown.size() + " of " + cluster.getMembersCount()
              + " monitor nodes are reporting, exactly the quorum: one more loss stops all decisions");
      open.put(QUORUM_KEY, incidents.open(draft).getId());
    } else if (!atRisk && open.containsKey(QUORUM_KEY)) {
      incidents.resolve(open.remove(QUORUM_KEY));
    }
  }

  /** Since when a quorum of members has been fresh; 0 while it is not. */
  public long quorumFreshSinceMs() {
    return quorumFreshSinceMs;
  }

  /** The ids of the open alerts about the monitor. */
  public Collection<String> openIncidentIds() {
    return open.values();
  }

  /** Restores from a snapshot: the open alerts' ids are looked up to learn what each is about. */
  public void restore(long quorumFreshSinceMs, Collection<String> incidentIds,
      Function<String, Optional<Incident>> incident) {
    this.quorumFreshSinceMs = quorumFreshSinceMs;
    open.clear();
    for (String id : incidentIds) {
      incident.apply(id).ifPresent(i -> open.put(keyOf(i), id));
    }
  }

  private static String keyOf(Incident incident) {
    return ALERT_NODE_DOWN.equals(incident.getAlertname()) ? NODE_KEY_PREFIX + incident.getNodeId() : QUORUM_KEY;
  }
}
