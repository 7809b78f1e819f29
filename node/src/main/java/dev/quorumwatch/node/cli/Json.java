package dev.quorumwatch.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.EndpointState;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.IncidentUpdate;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.RegionEvidence;
import dev.quorumwatch.proto.RepairAttempt;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.ServiceState;
import dev.quorumwatch.proto.Silence;
import dev.quorumwatch.proto.ListIncidentsResponse;
import dev.quorumwatch.proto.ListTargetsResponse;
import dev.quorumwatch.proto.MemberStatus;
import dev.quorumwatch.proto.MembersResponse;
import dev.quorumwatch.proto.RegionVote;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.TargetStatus;
import dev.quorumwatch.proto.Verdict;
import java.util.Locale;
import java.util.TreeMap;

/** The {@code --json} documents of docs/api.md ("CLI conventions"). Fields may be added, never renamed or removed. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static String verdict(Verdict v) {
    return v == Verdict.UNRECOGNIZED ? "UNKNOWN" : v.name().replace("VERDICT_", "");
  }

  static String timeOrNull(long ms) {
    return ms == 0 ? null : Times.rfc3339(ms);
  }

  static ObjectNode status(StatusResponse s) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("cluster", s.getClusterId());
    doc.put("leader", s.getLeaderId().isEmpty() ? null : s.getLeaderId());
    doc.put("leader_api", s.getLeaderApi().isEmpty() ? null : s.getLeaderApi());
    doc.put("term", s.getTerm());
    doc.put("quorum", s.getQuorum());
    doc.put("answered_by", s.getAnsweredBy());
    doc.put("applied_index", s.getAppliedIndex());
    doc.put("state_digest", s.getStateDigest());
    doc.put("pending_notifications", s.getPendingNotifications());
    ArrayNode members = doc.putArray("members");
    for (MemberStatus m : s.getMembersList()) {
      member(members.addObject(), m);
    }
    return doc;
  }

  static ObjectNode members(MembersResponse r) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("quorum", r.getQuorum());
    ArrayNode members = doc.putArray("members");
    for (MemberStatus m : r.getMembersList()) {
      member(members.addObject(), m).put("raft", m.getRaft().isEmpty() ? null : m.getRaft());
    }
    return doc;
  }

  private static ObjectNode member(ObjectNode member, MemberStatus m) {
    member.put("id", m.getId());
    member.put("region", m.getRegion());
    member.put("api", m.getApi());
    member.put("role", m.getRole());
    member.put("fresh", m.getFresh());
    member.put("last_heartbeat", timeOrNull(m.getLastHeartbeatMs()));
    return member;
  }

  static ObjectNode targets(ListTargetsResponse r) {
    ObjectNode doc = MAPPER.createObjectNode();
    ArrayNode targets = doc.putArray("targets");
    for (TargetStatus t : r.getTargetsList()) {
      ObjectNode target = targets.addObject();
      target.put("id", t.getId());
      target.put("verdict", verdict(t.getVerdict()));
      target.put("since", timeOrNull(t.getSinceMs()));
      ObjectNode votes = target.putObject("votes");
      for (RegionVote v : t.getVotesList()) {
        votes.put(v.getNodeId(), v.getVote());
      }
      ObjectNode uptime = target.putObject("uptime");
      uptime.put("24h", round(t.getUptime24H()));
      uptime.put("7d", round(t.getUptime7D()));
      uptime.put("30d", round(t.getUptime30D()));
      target.set("labels", MAPPER.valueToTree(new TreeMap<>(t.getLabelsMap())));
      target.put("open_incident", t.getOpenIncidentId().isEmpty() ? null : t.getOpenIncidentId());
      // Present only while rate limits leave too few answers for a verdict: scripts that
      // read the verdict can tell a held one from a judged one.
      if (t.getRateLimited()) {
        ObjectNode held = target.putObject("rate_limited");
        held.put("since", timeOrNull(t.getRateLimitedSinceMs()));
        held.put("regions", t.getVotesList().stream().filter(RegionVote::getRateLimited).count());
      }
      if (t.hasRepair()) {
        target.set("repair", repair(t.getRepair()));
      }
    }
    return doc;
  }

  static ObjectNode incidents(ListIncidentsResponse r) {
    ObjectNode doc = MAPPER.createObjectNode();
    ArrayNode incidents = doc.putArray("incidents");
    r.getIncidentsList().forEach(i -> incidents.add(incident(i)));
    return doc;
  }

  static ObjectNode incident(Incident i) {
    ObjectNode incident = MAPPER.createObjectNode();
    incident.put("id", i.getId());
    incident.put("target", i.getTargetId());
    incident.put("severity", i.getSeverity());
    incident.put("state", i.getOpen() ? "open" : "resolved");
    incident.put("started_at", timeOrNull(i.getStartedMs()));
    incident.put("resolved_at", timeOrNull(i.getResolvedMs()));
    ArrayNode regions = incident.putArray("regions");
    i.getRegionsList().forEach(regions::add);
    incident.put("alertname", i.getAlertname());
    incident.put("node", i.getNodeId().isEmpty() ? null : i.getNodeId());
    incident.put("summary", i.getSummary());
    incident.put("silenced", i.getSilenced());
    incident.put("suppressed_by", i.getSuppressedBy().isEmpty() ? null : i.getSuppressedBy());
    incident.put("acked_by", i.getAckedBy().isEmpty() ? null : i.getAckedBy());
    incident.put("acked_at", timeOrNull(i.getAckedMs()));
    incident.put("ack_comment", i.getAckComment().isEmpty() ? null : i.getAckComment());
    ArrayNode evidence = incident.putArray("evidence");
    for (RegionEvidence e : i.getEvidenceList()) {
      ObjectNode one = evidence.addObject();
      one.put("region", e.getRegion());
      one.put("node", e.getNodeId());
      one.put("failure_class", e.getFailureClass());
      one.put("detail", e.getDetail());
      one.put("since", timeOrNull(e.getSinceMs()));
    }
    ArrayNode updates = incident.putArray("updates");
    for (IncidentUpdate u : i.getUpdatesList()) {
      updates.addObject().put("at", timeOrNull(u.getAtMs()))
          .put("status", u.getStatus().name().replace("STATUS_", "").toLowerCase(Locale.ROOT))
          .put("message", u.getMessage()).put("by", u.getBy());
    }
    return incident;
  }

  static ObjectNode silence(Silence s, long nowMs) {
    ObjectNode silence = MAPPER.createObjectNode();
    silence.put("id", s.getId());
    ArrayNode matchers = silence.putArray("matchers");
    s.getMatchersList().forEach(m -> matchers.add(Matchers.format(m)));
    silence.put("starts_at", timeOrNull(s.getStartsMs()));
    silence.put("ends_at", timeOrNull(s.getEndsMs()));
    silence.put("state", s.getEndsMs() <= nowMs ? "expired" : s.getStartsMs() > nowMs ? "pending" : "active");
    silence.put("comment", s.getComment());
    silence.put("created_by", s.getCreatedBy());
    return silence;
  }

  static ObjectNode notification(Notification n) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("id", n.getId());
    doc.put("receiver", n.getReceiverId());
    doc.put("status", n.getStatus());
    doc.put("created_at", timeOrNull(n.getCreatedMs()));
    doc.put("reminder", n.getReminder());
    ArrayNode alerts = doc.putArray("alerts");
    for (AlertItem a : n.getAlertsList()) {
      ObjectNode alert = alerts.addObject();
      alert.put("alertname", a.getAlertname());
      alert.put("target", a.getTargetId().isEmpty() ? null : a.getTargetId());
      alert.put("node", a.getNodeId().isEmpty() ? null : a.getNodeId());
      alert.put("incident", a.getIncidentId());
      alert.put("status", a.getStatus());
    }
    return doc;
  }

  static ObjectNode service(ServiceState s) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("id", s.getService());
    out.put("active", s.getActiveEndpoint());
    out.put("since", timeOrNull(s.getActiveSinceMs()));
    out.put("reason", s.getReason());
    out.put("version", s.getVersion());
    if (s.getPinnedBy().isEmpty()) {
      out.putNull("pinned_by");
    } else {
      out.put("pinned_by", s.getPinnedBy());
    }
    out.put("failback", s.getFailbackManual() ? "manual" : "auto");
    out.put("failback_after_ms", s.getFailbackAfterMs());
    ArrayNode endpoints = out.putArray("endpoints");
    for (EndpointState e : s.getEndpointsList()) {
      endpoints.addObject().put("target", e.getTarget()).put("verdict", verdict(e.getVerdict()));
    }
    return out;
  }

  /** A target's repair ladder: the running one, or what the last one did. */
  static ObjectNode repair(RepairRecord r) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("ladder", r.getLadderId());
    out.put("state", r.getRunning() ? "running" : r.getLastResult());
    out.put("ladders", r.getLaddersTotal());
    out.put("attempts", r.getAttemptsCount());
    RepairAttempt last = r.getAttemptsCount() == 0 ? null : r.getAttempts(r.getAttemptsCount() - 1);
    out.put("last_step", last == null ? null : last.getStepName() + " #" + last.getAttempt());
    out.put("last_result", last == null ? null : last.getResult());
    out.put("started_at", timeOrNull(r.getLadderStartedMs()));
    long end = r.getRunning() ? 0 : r.getLastFinishedMs();
    out.put("duration_ms", end == 0 ? null : end - r.getLadderStartedMs());
    ArrayNode attempts = out.putArray("history");
    for (RepairAttempt a : r.getAttemptsList()) {
      attempts.addObject().put("step", a.getStepName()).put("attempt", a.getAttempt())
          .put("started_at", timeOrNull(a.getStartedMs())).put("finished_at", timeOrNull(a.getFinishedMs()))
          .put("result", a.getResult()).put("detail", a.getDetail());
    }
    return out;
  }

  private static double round(double percent) {
    return Math.round(percent * 1000) / 1000.0;
  }
}
