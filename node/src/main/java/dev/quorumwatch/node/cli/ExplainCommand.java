package dev.quorumwatch.node.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.proto.DayUptime;
import dev.quorumwatch.proto.ExplainRequest;
import dev.quorumwatch.proto.ExplainResponse;
import dev.quorumwatch.proto.HeartbeatRecord;
import dev.quorumwatch.proto.HistoryEntry;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Ping;
import dev.quorumwatch.proto.RegionVote;
import dev.quorumwatch.proto.VoteState;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Why a target has its verdict: each region's vote with its time and failure class, the quorum,"
        + " and the recent votes and verdicts that led here, from the replicated state.")
final class ExplainCommand implements Callable<Integer> {
  private static final int DAYS_PRINTED = 14;

  @Parameters(paramLabel = "TARGET", description = "The target id.")
  String targetId;

  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    ExplainResponse r = client.call(stub -> stub.explain(ExplainRequest.newBuilder().setTargetId(targetId).build()));
    if (json) {
      System.out.println(toJson(r));
      return 0;
    }
    System.out.printf("%s is %s since %s (%s)%s%n", targetId, Json.verdict(r.getTarget().getVerdict()),
        Times.rfc3339(r.getTarget().getSinceMs()), r.hasHeartbeat() ? "heartbeat: its job pings the cluster"
            : "quorum " + r.getQuorum() + " of " + r.getTarget().getVotesCount() + " regions",
        r.getSilencedBy().isEmpty() ? "" : ", silenced by " + r.getSilencedBy());
    if (r.getTarget().getRateLimited()) {
      System.out.println("no verdict possible since " + Times.rfc3339(r.getTarget().getRateLimitedSinceMs())
          + ": too few regions have an answer, the rest are rate limited (marked ~); the verdict is held");
    }
    System.out.println();
    if (r.hasHeartbeat()) {
      printHeartbeat(r.getHeartbeat());
    } else {
      printVotes(r);
    }
    printDays(r);
    System.out.println();
    System.out.println("history (oldest first):");
    for (HistoryEntry h : r.getHistoryList()) {
      System.out.println("  " + Times.rfc3339(h.getAtMs()) + "  " + describe(h));
    }
    if (r.getIncidentsCount() > 0) {
      System.out.println();
      System.out.println("incidents:");
      for (Incident i : r.getIncidentsList()) {
        System.out.printf("  %-14s %-15s %-8s %s%s%n", i.getId(), i.getAlertname(), i.getOpen() ? "open" : "resolved",
            i.getSummary(), (i.getAckedBy().isEmpty() ? "" : " (acknowledged by " + i.getAckedBy() + ")")
                + (IncidentsCommand.note(i).isEmpty() ? "" : " [" + IncidentsCommand.note(i) + "]"));
      }
    }
    return 0;
  }

  /** The last two weeks of uptime per UTC day, a week a line; --json has all of them. */
  private static void printDays(ExplainResponse r) {
    List<DayUptime> days = r.getDailyUptimeList().subList(Math.max(0, r.getDailyUptimeCount() - DAYS_PRINTED),
        r.getDailyUptimeCount());
    if (days.stream().noneMatch(DayUptime::getKnown)) {
      return;
    }
    System.out.println();
    System.out.println("uptime per UTC day (today last, - not watched):");
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < days.size(); i++) {
      DayUptime d = days.get(i);
      line.append(String.format(Locale.ROOT, "  %s %-8s", d.getDate().substring(5),
          d.getKnown() ? String.format(Locale.ROOT, "%.3f%%", d.getUptimePercent()) : "-"));
      if (i % 7 == 6 || i == days.size() - 1) {
        System.out.println(line.toString().stripTrailing());
        line.setLength(0);
      }
    }
  }

  private static void printVotes(ExplainResponse r) {
    System.out.printf("%-12s %-12s %-6s %-24s %-14s %s%n", "NODE", "REGION", "VOTE", "SINCE", "CLASS", "DETAIL");
    for (RegionVote v : r.getTarget().getVotesList()) {
      System.out.printf("%-12s %-12s %-6s %-24s %-14s %s%n", v.getNodeId(), v.getRegion(),
          v.getVote() + (v.getWithdrawn() ? "*" : "") + (v.getRateLimited() ? "~" : ""),
          v.getSinceMs() == 0 ? "-" : Times.rfc3339(v.getSinceMs()), v.getFailureClass(), v.getDetail());
    }
  }

  private static void printHeartbeat(HeartbeatRecord h) {
    System.out.println("heartbeat: " + h.getPings() + " pings; last success "
        + (h.getLastSuccessMs() == 0 ? "none" : Times.rfc3339(h.getLastSuccessMs()))
        + (h.getRunningSinceMs() == 0 ? "" : "; running since " + Times.rfc3339(h.getRunningSinceMs())));
    if (h.getLastPingMs() > 0) {
      System.out.println("last ping: " + Times.rfc3339(h.getLastPingMs()) + " " + pingKind(h) + " via " + h.getLastNodeId()
          + (h.getLastBody().isBlank() ? "" : ", body: " + h.getLastBody().strip().lines().findFirst().orElse("")));
    }
    if (!h.getDownReason().isEmpty()) {
      System.out.println("down: " + h.getDownReason());
    }
  }

  private static String pingKind(HeartbeatRecord h) {
    return switch (h.getLastKind()) {
      case Ping.Kind.KIND_START_VALUE -> "start";
      case Ping.Kind.KIND_FAIL_VALUE -> "fail" + (h.getLastExitCode() != 0 ? " (exit " + h.getLastExitCode() + ")" : "");
      default -> "success";
    };
  }

  static String describe(HistoryEntry h) {
    if (h.getNodeId().isEmpty()) {
      return "verdict " + Json.verdict(h.getVerdict()) + " (" + h.getNote() + ")";
    }
    String vote = h.getVote() == VoteState.UNRECOGNIZED ? "?" : h.getVote().name().replace("VOTE_", "").toLowerCase();
    return h.getNodeId() + (h.getWithdrawn() ? " withdrew its " + vote + " vote" : " votes " + vote)
        + (h.getFailureClass().isEmpty() ? "" : " [" + h.getFailureClass() + "]")
        + (h.getNote().isEmpty() || h.getWithdrawn() ? "" : " " + h.getNote());
  }

  private static ObjectNode toJson(ExplainResponse r) {
    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("target", r.getTarget().getId());
    doc.put("verdict", Json.verdict(r.getTarget().getVerdict()));
    doc.put("since", Json.timeOrNull(r.getTarget().getSinceMs()));
    doc.put("quorum", r.getQuorum());
    doc.put("silenced_by", r.getSilencedBy().isEmpty() ? null : r.getSilencedBy());
    doc.put("rate_limited_since", r.getTarget().getRateLimited() ? Json.timeOrNull(r.getTarget().getRateLimitedSinceMs())
        : null);
    ArrayNode votes = doc.putArray("votes");
    for (RegionVote v : r.getTarget().getVotesList()) {
      ObjectNode vote = votes.addObject();
      vote.put("node", v.getNodeId());
      vote.put("region", v.getRegion());
      vote.put("vote", v.getVote());
      vote.put("withdrawn", v.getWithdrawn());
      vote.put("rate_limited", v.getRateLimited());
      vote.put("since", Json.timeOrNull(v.getSinceMs()));
      vote.put("failure_class", v.getFailureClass().isEmpty() ? null : v.getFailureClass());
      vote.put("detail", v.getDetail().isEmpty() ? null : v.getDetail());
    }
    if (r.hasHeartbeat()) {
      HeartbeatRecord h = r.getHeartbeat();
      ObjectNode hb = doc.putObject("heartbeat");
      hb.put("pings", h.getPings());
      hb.put("last_success", Json.timeOrNull(h.getLastSuccessMs()));
      hb.put("running_since", Json.timeOrNull(h.getRunningSinceMs()));
      hb.put("last_ping", Json.timeOrNull(h.getLastPingMs()));
      hb.put("last_kind", h.getLastPingMs() == 0 ? null : pingKind(h));
      hb.put("last_exit_code", h.getLastExitCode());
      hb.put("last_node", h.getLastNodeId().isEmpty() ? null : h.getLastNodeId());
      hb.put("last_body", h.getLastBody());
      hb.put("down_reason", h.getDownReason().isEmpty() ? null : h.getDownReason());
    }
    ArrayNode daily = doc.putArray("daily_uptime");
    for (DayUptime d : r.getDailyUptimeList()) {
      ObjectNode day = daily.addObject();
      day.put("date", d.getDate());
      if (d.getKnown()) {
        day.put("uptime_percent", d.getUptimePercent());
        day.put("down_ms", d.getDownMs());
      } else {
        day.putNull("uptime_percent");
        day.putNull("down_ms");
      }
    }
    ArrayNode history = doc.putArray("history");
    for (HistoryEntry h : r.getHistoryList()) {
      ObjectNode entry = history.addObject();
      entry.put("at", Json.timeOrNull(h.getAtMs()));
      entry.put("node", h.getNodeId().isEmpty() ? null : h.getNodeId());
      entry.put("verdict", h.getNodeId().isEmpty() ? Json.verdict(h.getVerdict()) : null);
      entry.put("text", describe(h));
    }
    ArrayNode incidents = doc.putArray("incidents");
    r.getIncidentsList().forEach(i -> incidents.add(Json.incident(i)));
    return doc;
  }
}
