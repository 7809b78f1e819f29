package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.proto.Acknowledge;
import dev.quorumwatch.proto.AddSilence;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.DailyDigest;
import dev.quorumwatch.proto.DeliveryFailed;
import dev.quorumwatch.proto.ExpireSilence;
import dev.quorumwatch.proto.HttpAction;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.MaintenanceWindow;
import dev.quorumwatch.proto.Matcher;
import dev.quorumwatch.proto.WarningSpec;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Delivered;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.RepairSpec;
import dev.quorumwatch.proto.RepairStep;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.RouteSpec;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.SetCluster;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Tick;
import dev.quorumwatch.proto.VoteState;
import dev.quorumwatch.proto.WebhookSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
      m.addReceivers(ReceiverSpec.newBuilder().setId(r).setWebhook(WebhookSpec.newBuilder().setUrl("http://127.0.0.1:1/" + r))
          .setRoute(RouteSpec.newBuilder().setSendResolved(true)));
    }
    return m.build();
  }

  /** Monitors with random routes, warnings and a maintenance window, for the simulation. */
  static MonitorsSpec randomMonitors(Random random, List<String> targets, List<String> receivers) {
    MonitorsSpec.Builder m = monitors(targets, List.of()).toBuilder().clearTargets();
    for (String t : targets) {
      RepairSpec repair = random.nextBoolean() ? RepairSpec.getDefaultInstance() : RepairSpec.newBuilder()
          .setMaxLaddersPerHour(1 + random.nextInt(3))
          .addSteps(repairStep("restart", 1 + random.nextInt(3), random.nextInt(3000)))
          .addSteps(repairStep("redeploy", 1, random.nextInt(3000))).build();
      m.addTargets(monitors(List.of(t), List.of()).getTargets(0).toBuilder().setRepair(repair)
          .addLabels(Label.newBuilder().setName("service").setValue(t.compareTo("t2") < 0 ? "a" : "b"))
          .setWarnings(WarningSpec.newBuilder().setRegional(random.nextBoolean()).setDegraded(random.nextBoolean())
              .setRegionalForMs(random.nextInt(5000))));
    }
    for (String r : receivers) {
      RouteSpec.Builder route = RouteSpec.newBuilder().setSendResolved(random.nextInt(4) != 0);
      if (random.nextBoolean()) {
        route.addGroupBy("service").setGroupWaitMs(random.nextInt(5000)).setGroupIntervalMs(random.nextInt(5000));
      }
      if (random.nextBoolean()) {
        route.setRepeatIntervalMs(2000 + random.nextInt(10_000));
      }
      if (random.nextInt(4) == 0) {
        route.addSeverities("critical");
      }
      if (random.nextInt(4) == 0) {
        route.addMatchers(Matcher.newBuilder().setName("service").setOp(Matcher.Op.NOT_EQUAL).setValue("b"));
      }
      if (random.nextInt(3) == 0) {
        route.setDailyDigest(DailyDigest.newBuilder().setAtMinute(random.nextInt(1440)).setTimeZone("Asia/Kolkata"));
      }
      m.addReceivers(ReceiverSpec.newBuilder().setId(r).setWebhook(WebhookSpec.newBuilder().setUrl("http://127.0.0.1:1/" + r))
          .setRoute(route));
    }
    if (targets.size() >= 2 && random.nextBoolean()) {
      List<String> endpoints = new ArrayList<>(targets);
      Collections.shuffle(endpoints, random);
      m.addServices(ServiceSpec.newBuilder().setId("svc").addAllEndpoints(endpoints.subList(0, 2 + random.nextInt(
          endpoints.size() - 1))).setFailbackAfterMs(random.nextInt(5000))
          .setFailback(random.nextInt(3) == 0 ? ServiceSpec.Failback.FAILBACK_MANUAL : ServiceSpec.Failback.FAILBACK_AUTO));
    }
    if (random.nextBoolean()) {
      m.addMaintenance(MaintenanceWindow.newBuilder().setId("mw").setTimeZone("Europe/Berlin")
          .addMatchers(Matcher.newBuilder().setName("target").setOp(Matcher.Op.REGEX).setValue("t[01]"))
          .addAllDays(List.of(1, 2, 3, 4, 5, 6, 7)).setStartMinute(random.nextInt(1440)).setDurationMs(60_000));
    }
    return m.build();
  }

  static RepairStep repairStep(String name, int attempts, long waitMs) {
    return RepairStep.newBuilder().setName(name).setAttempts(attempts).setWaitMs(waitMs).setTimeoutMs(5000)
        .setHttp(HttpAction.newBuilder().setMethod("POST").setUrl("http://127.0.0.1:1/" + name)).build();
  }

  static Command silence(long atMs, String matcher, long durationMs) {
    return Command.newBuilder().setAtMs(atMs).setAddSilence(AddSilence.newBuilder()
        .addMatchers(Matchers.parse(matcher)).setDurationMs(durationMs).setComment("test").setCreatedBy("sim")).build();
  }

  static Command expireSilence(long atMs, String id) {
    return Command.newBuilder().setAtMs(atMs).setExpireSilence(ExpireSilence.newBuilder().setSilenceId(id)).build();
  }

  static Command ack(long atMs, String incidentId) {
    return Command.newBuilder().setAtMs(atMs).setAcknowledge(Acknowledge.newBuilder().setIncidentId(incidentId)
        .setBy("sim")).build();
  }

  static Command deliveryFailed(long atMs, String... ids) {
    return Command.newBuilder().setAtMs(atMs).setDeliveryFailed(DeliveryFailed.newBuilder()
        .addAllNotificationIds(List.of(ids)).setLastError("HTTP 500").setAttempts(3)).build();
  }

  static Command apply(long atMs, MonitorsSpec spec) {
    return Command.newBuilder().setAtMs(atMs).setApplyMonitors(ApplyMonitors.newBuilder().setSpec(spec)).build();
  }

  static Command report(long atMs, String node, boolean full, Map<String, VoteState> votes) {
    // As a node of this build reports: features gated on every member's protocol are on.
    ReportView.Builder r = ReportView.newBuilder().setNodeId(node).setRegion(node).setFull(full)
        .setProtocol(Protocol.CURRENT);
    votes.forEach((target, state) -> r.addObservations(Observation.newBuilder().setTargetId(target).setState(state)
        .setFailureClass(state == VoteState.VOTE_DOWN ? "http_status" : "")));
    return Command.newBuilder().setAtMs(atMs).setReportView(r).build();
  }

  /** A report from a build before protocol numbers: every feature gated on them waits. */
  static Command reportFromOldBuild(long atMs, String node) {
    return Command.newBuilder().setAtMs(atMs).setReportView(ReportView.newBuilder().setNodeId(node).setRegion(node))
        .build();
  }

  static Command tick(long atMs) {
    return Command.newBuilder().setAtMs(atMs).setTick(Tick.getDefaultInstance()).build();
  }

  static Command delivered(long atMs, String... ids) {
    return Command.newBuilder().setAtMs(atMs).setDelivered(Delivered.newBuilder().addAllNotificationIds(List.of(ids))).build();
  }
}
