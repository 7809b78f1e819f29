package dev.quorumwatch.node.api;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.proto.DayUptime;
import dev.quorumwatch.proto.ExplainRequest;
import dev.quorumwatch.proto.ExplainResponse;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.coordinator.TargetRow;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.ListTargetsResponse;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.RegionVote;
import dev.quorumwatch.proto.TargetStatus;
import dev.quorumwatch.proto.VoteRecord;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The target calls: every target's verdict and votes, and one target explained (its history, incidents, silence). */
final class TargetsCalls {
  static final int EXPLAIN_INCIDENTS = 10;
  /** Days of daily uptime in an explanation: what a status page shows. */
  static final int EXPLAIN_DAYS = 90;

  private final MonitorStateMachine state;

  TargetsCalls(MonitorStateMachine state) {
    this.state = state;
  }

  void explain(ExplainRequest request, StreamObserver<ExplainResponse> response) {
    ExplainResponse explained = state.read(c -> {
      List<Member> members = c.clusterSettings().getMembersList();
      for (TargetRow row : c.targetRows()) {
        if (!row.spec().getId().equals(request.getTargetId())) {
          continue;
        }
        ExplainResponse.Builder out = ExplainResponse.newBuilder()
            .setTarget(targetStatus(row, members))
            .setQuorum(c.membership().quorum())
            .addAllHistory(row.history())
            .setClockMs(c.clockMs());
        if (row.spec().hasHeartbeat()) {
          out.setHeartbeat(c.heartbeatOf(row.spec().getId()));
        }
        c.dailyUptime(row.spec().getId(), EXPLAIN_DAYS).forEach(day -> out.addDailyUptime(dayUptime(day)));
        List<Incident> mine = new ArrayList<>();
        for (Incident i : c.incidents()) {
          if (i.getTargetId().equals(row.spec().getId())) {
            mine.add(i);
          }
        }
        mine.sort(Comparator.comparing(Incident::getOpen).reversed());
        out.addAllIncidents(mine.subList(0, Math.min(mine.size(), EXPLAIN_INCIDENTS)));
        String by = c.silencedBy(AlertLabels.ofTarget(row.spec(), Coordinator.ALERT_TARGET_DOWN, "critical",
            c.membership().clusterId()));
        out.setSilencedBy(by == null ? "" : by);
        return out.build();
      }
      return null;
    });
    if (explained == null) {
      response.onError(Status.NOT_FOUND.withDescription("no target '" + request.getTargetId() + "'").asRuntimeException());
      return;
    }
    response.onNext(explained);
    response.onCompleted();
  }

  void list(ListTargetsRequest request, StreamObserver<ListTargetsResponse> response) {
    response.onNext(all());
    response.onCompleted();
  }

  ListTargetsResponse all() {
    return state.read(c -> {
      List<Member> members = c.clusterSettings().getMembersList();
      ListTargetsResponse.Builder targets = ListTargetsResponse.newBuilder();
      for (TargetRow row : c.targetRows()) {
        TargetStatus.Builder status = targetStatus(row, members).toBuilder();
        c.repair(row.spec().getId()).ifPresent(status::setRepair);
        targets.addTargets(status);
      }
      return targets.build();
    });
  }

  static DayUptime dayUptime(UptimeLedger.Day day) {
    return DayUptime.newBuilder().setDate(LocalDate.ofEpochDay(day.epochDay()).toString()).setKnown(day.known())
        .setUptimePercent(day.uptimePercent()).setDownMs(day.downMs()).build();
  }

  private static TargetStatus targetStatus(TargetRow row, List<Member> members) {
    TargetStatus.Builder t = TargetStatus.newBuilder()
        .setId(row.spec().getId())
        .setVerdict(row.verdict())
        .setSinceMs(row.verdictSinceMs())
        .setUptime24H(row.uptime24h())
        .setUptime7D(row.uptime7d())
        .setUptime30D(row.uptime30d())
        .setOpenIncidentId(row.openIncidentId())
        .setWarningIncidentId(row.warningIncidentId())
        .setRateLimited(row.rateLimitedSinceMs() != 0)
        .setRateLimitedSinceMs(row.rateLimitedSinceMs())
        .setRateLimitIncidentId(row.rateLimitIncidentId());
    for (Label l : row.spec().getLabelsList()) {
      t.putLabels(l.getName(), l.getValue());
    }
    for (Member m : members) {
      VoteRecord vote = row.votesByNode().get(m.getId());
      RegionVote.Builder v = RegionVote.newBuilder().setNodeId(m.getId()).setRegion(m.getRegion());
      if (vote == null) {
        v.setVote("none");
      } else if (!row.freshByNode().getOrDefault(m.getId(), false)) {
        v.setVote("stale");
      } else {
        v.setVote(switch (vote.getState()) {
          case VOTE_UP -> "up";
          case VOTE_DOWN -> "down";
          case VOTE_SLOW -> "slow";
          default -> "none";
        }).setFailureClass(vote.getFailureClass()).setDetail(vote.getDetail()).setSinceMs(vote.getSinceMs())
            .setWithdrawn(vote.getWithdrawn()).setRateLimited(vote.getRateLimited());
      }
      t.addVotes(v);
    }
    return t.build();
  }
}
