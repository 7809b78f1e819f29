package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.coordinator.verdict.VoteRecorder;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.ReportView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A node's report applied: a heartbeat for the node, and its observations turned into votes. */
final class ReportRecorder {
  private ReportRecorder() {}

  /** Records a node's report: its heartbeat, and its votes; {@code touched} gains the targets whose votes changed. */
  static void record(Coordinator c, ReportView report, Set<String> touched) {
    String nodeId = report.getNodeId();
    if (c.membership.isStaleReport(nodeId, report.getIncarnation(), report.getSeq())) {
      return; // overtaken by a newer report of the same node: its votes are older than those applied
    }
    c.membership.heartbeat(nodeId, report.getRegion(), c.clockMs, report.getIncarnation(), report.getSeq(),
        report.getProtocol());
    // Older replicas count a rate-limited vote as current: until every member understands
    // the flag, it is dropped here so that all replicas decide alike.
    boolean rateLimitsUnderstood = c.membership.membersBelow(Protocol.RATE_LIMITS).isEmpty();
    // Targets an incremental report does not mention keep this node's last vote. A node
    // withdraws a vote explicitly (an unspecified observation) when it has no current opinion;
    // a full report withdraws every vote it does not mention (a node restarting with its
    // replica not yet caught up reports an empty full view: its old votes must not return).
    List<Observation> observations = new ArrayList<>(report.getObservationsList());
    if (report.getFull()) {
      Set<String> mentioned = new HashSet<>();
      observations.forEach(o -> mentioned.add(o.getTargetId()));
      for (TargetTrack track : c.tracks.values()) {
        if (!mentioned.contains(track.targetId) && track.votesByNode.containsKey(nodeId)) {
          observations.add(Observation.newBuilder().setTargetId(track.targetId).build());
        }
      }
    }
    for (Observation o : observations) {
      TargetTrack track = c.tracks.get(o.getTargetId());
      if (track == null) {
        continue; // a target removed since the node looked
      }
      VoteRecorder.Recorded recorded = VoteRecorder.record(track.votesByNode, nodeId, o,
          o.getRateLimited() && rateLimitsUnderstood, c.clockMs);
      if (recorded.history() != null) {
        track.remember(recorded.history(), Coordinator.HISTORY_KEPT);
      }
      if (recorded.changed()) {
        touched.add(track.targetId);
      }
    }
  }
}
