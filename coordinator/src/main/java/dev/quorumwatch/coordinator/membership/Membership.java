package dev.quorumwatch.coordinator.membership;

import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.NodeRecord;
import dev.quorumwatch.proto.SetCluster;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.SortedSet;

/**
 * Who is in the cluster, how many must agree, and which members are alive: the only owner
 * of heartbeats and freshness.
 */
public final class Membership {
  private SetCluster settings = SetCluster.getDefaultInstance();
  private final TreeMap<String, NodeRecord> nodes = new TreeMap<>();

  public void configure(SetCluster next) {
    settings = next;
  }

  public SetCluster settings() {
    return settings;
  }

  public String clusterId() {
    return settings.getClusterId();
  }

  public int quorum() {
    return settings.getQuorum();
  }

  public boolean isMember(String nodeId) {
    for (Member m : settings.getMembersList()) {
      if (m.getId().equals(nodeId)) {
        return true;
      }
    }
    return false;
  }

  /** A report from {@code nodeId}, numbered {@code seq} within the run {@code incarnation}, was applied. */
  public void heartbeat(String nodeId, String region, long nowMs, long incarnation, long seq, int protocol) {
    nodes.put(nodeId, NodeRecord.newBuilder().setId(nodeId).setRegion(region).setLastHeartbeatMs(nowMs)
        .setReportIncarnation(incarnation).setReportSeq(seq).setProtocol(protocol).build());
  }

  /**
   * Members whose newest report speaks less than {@code needed}, in id order. A member that
   * has not reported yet is not counted: a new cluster applies its monitors before every node
   * has spoken, and its nodes run one version.
   */
  public SortedSet<String> membersBelow(int needed) {
    TreeSet<String> older = new TreeSet<>();
    for (Member m : settings.getMembersList()) {
      NodeRecord n = nodes.get(m.getId());
      if (n != null && n.getProtocol() < needed) {
        older.add(m.getId());
      }
    }
    return older;
  }

  /**
   * Whether a report is older than the newest one applied from the same node: from an earlier
   * run, or from the same run with a number already seen. Unnumbered reports are never stale.
   */
  public boolean isStaleReport(String nodeId, long incarnation, long seq) {
    NodeRecord n = nodes.get(nodeId);
    if (n == null || incarnation == 0) {
      return false;
    }
    return incarnation < n.getReportIncarnation() || incarnation == n.getReportIncarnation() && seq <= n.getReportSeq();
  }

  public boolean isFresh(String nodeId, long nowMs) {
    NodeRecord n = nodes.get(nodeId);
    return n != null && isMember(nodeId) && nowMs - n.getLastHeartbeatMs() <= settings.getStaleAfterMs();
  }

  public SortedSet<String> freshNodes(long nowMs) {
    TreeSet<String> fresh = new TreeSet<>();
    for (String id : nodes.keySet()) {
      if (isFresh(id, nowMs)) {
        fresh.add(id);
      }
    }
    return fresh;
  }

  /** The region a node reported, or the region configured for it, or its id. */
  public String regionOf(String nodeId) {
    NodeRecord n = nodes.get(nodeId);
    if (n != null && !n.getRegion().isEmpty()) {
      return n.getRegion();
    }
    for (Member m : settings.getMembersList()) {
      if (m.getId().equals(nodeId) && !m.getRegion().isEmpty()) {
        return m.getRegion();
      }
    }
    return nodeId;
  }

  public Optional<NodeRecord> node(String nodeId) {
    return Optional.ofNullable(nodes.get(nodeId));
  }

  public Collection<NodeRecord> nodes() {
    return nodes.values();
  }

  public void restore(SetCluster snapshotSettings, Collection<NodeRecord> snapshotNodes) {
    settings = snapshotSettings;
    nodes.clear();
    for (NodeRecord n : snapshotNodes) {
      nodes.put(n.getId(), n);
    }
  }

  /** Rejects settings no decision could be made with; {@code null} when valid. */
  public static String validate(SetCluster s) {
    if (s.getMembersCount() == 0) {
      return "cluster has no members";
    }
    Map<String, Boolean> seen = new TreeMap<>();
    for (Member m : s.getMembersList()) {
      if (seen.put(m.getId(), true) != null) {
        return "member " + m.getId() + " is listed twice";
      }
    }
    if (s.getQuorum() < 1 || s.getQuorum() > s.getMembersCount()) {
      return "quorum " + s.getQuorum() + " is outside 1.." + s.getMembersCount();
    }
    if (s.getStaleAfterMs() <= 0) {
      return "stale_after must be positive";
    }
    return null;
  }
}
