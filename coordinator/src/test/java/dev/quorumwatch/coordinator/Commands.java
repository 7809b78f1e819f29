package dev.quorumwatch.coordinator;

import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Delivered;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.SetCluster;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Tick;
import dev.quorumwatch.proto.VoteState;
import dev.quorumwatch.proto.WebhookSpec;
import java.util.List;
import java.util.Map;

/** Builders for coordinator commands in tests. */
final class Commands {
  private Commands() {}

  static Command cluster(long atMs, int quorum, long staleAfterMs, String... nodes) {
    SetCluster.Builder s = SetCluster.newBuilder().setClusterId("test").setQuorum(quorum).setStaleAfterMs(staleAfterMs);
    for (String n : nodes) {
      s.addMembers(Member.newBuilder().setId(n).setRegion(n).setApi("127.0.0.1:1"));
    }
    return Command.newBuilder().setAtMs(atMs).setSetCluster(s).build();
  }

  static MonitorsSpec monitors(List<String> targets, List<String> receivers) {
    MonitorsSpec.Builder m = MonitorsSpec.newBuilder();
    for (String t : targets) {
      m.addTargets(TargetSpec.newBuilder().setId(t)
          .setHttp(HttpProbe.newBuilder().setUrl("http://127.0.0.1:1/" + t).addExpectStatus(200))
          .setIntervalMs(1000).setTimeoutMs(800).setFailureThreshold(2).setRecoveryThreshold(2));
    }
    for (String r : receivers) {
      m.addReceivers(ReceiverSpec.newBuilder().setId(r).setWebhook(WebhookSpec.newBuilder().setUrl("http://127.0.0.1:1/" + r)));
    }
    return m.build();
  }

  static Command apply(long atMs, MonitorsSpec spec) {
    return Command.newBuilder().setAtMs(atMs).setApplyMonitors(ApplyMonitors.newBuilder().setSpec(spec)).build();
  }

  static Command report(long atMs, String node, boolean full, Map<String, VoteState> votes) {
    ReportView.Builder r = ReportView.newBuilder().setNodeId(node).setRegion(node).setFull(full);
    votes.forEach((target, state) -> r.addObservations(Observation.newBuilder().setTargetId(target).setState(state)
        .setFailureClass(state == VoteState.VOTE_DOWN ? "http_status" : "")));
    return Command.newBuilder().setAtMs(atMs).setReportView(r).build();
  }

  static Command tick(long atMs) {
    return Command.newBuilder().setAtMs(atMs).setTick(Tick.getDefaultInstance()).build();
  }

  static Command delivered(long atMs, String... ids) {
    return Command.newBuilder().setAtMs(atMs).setDelivered(Delivered.newBuilder().addAllNotificationIds(List.of(ids))).build();
  }
}
