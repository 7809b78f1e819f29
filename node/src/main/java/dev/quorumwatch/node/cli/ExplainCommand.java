package dev.quorumwatch.node.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.proto.ExplainRequest;
import dev.quorumwatch.proto.ExplainResponse;
import dev.quorumwatch.proto.HistoryEntry;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.RegionVote;
import dev.quorumwatch.proto.VoteState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Why a target has its verdict: each region's vote with its time and failure class, the quorum,"
        + " and the recent votes and verdicts that led here, from the replicated state.")
final class ExplainCommand implements Callable<Integer> {
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
    System.out.printf("%s is %s since %s (quorum %d of %d regions)%s%n", targetId, Json.verdict(r.getTarget().getVerdict()),
        Times.rfc3339(r.getTarget().getSinceMs()), r.getQuorum(), r.getTarget().getVotesCount(),
        r.getSilencedBy().isEmpty() ? "" : ", silenced by " + r.getSilencedBy());
    if (r.getTarget().getRateLimited()) {
      System.out.println("no verdict possible since " + Times.rfc3339(r.getTarget().getRateLimitedSinceMs())
          + ": too few regions have an answer, the rest are rate limited (marked ~); the verdict is held");
    }
    System.out.println();
    System.out.printf("%-12s %-12s %-6s %-24s %-14s %s%n", "NODE", "REGION", "VOTE", "SINCE", "CLASS", "DETAIL");
    for (RegionVote v : r.getTarget().getVotesList()) {
      System.out.printf("%-12s %-12s %-6s %-24s %-14s %s%n", v.getNodeId(), v.getRegion(),
          v.getVote() + (v.getWithdrawn() ? "*" : "") + (v.getRateLimited() ? "~" : ""), v.getSinceMs() == 0 ? "-" : Times.rfc3339(v.getSinceMs()),
          v.getFailureClass(), v.getDetail());
    }
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
            i.getSummary(), i.getAckedBy().isEmpty() ? "" : " (acknowledged by " + i.getAckedBy() + ")");
      }
    }
    return 0;
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
