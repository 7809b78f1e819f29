package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.DailyDigest;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.MaintenanceWindow;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.RouteSpec;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteState;
import dev.quorumwatch.proto.WarningSpec;
import dev.quorumwatch.proto.WebhookSpec;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Routes, groups, silences, maintenance, reminders, acknowledgements and warnings ({@link MonitorHealthTest}: the monitor's own). */
class AlertingTest {
  private static final long T0 = ZonedDateTime.parse("2026-11-23T10:00:00Z").toInstant().toEpochMilli();

  private static final class Cluster extends DeliveringCluster {
    Cluster(MonitorsSpec spec) {
      super(T0, spec);
    }
  }

  private static MonitorsSpec spec(int targets, UnaryOperator<RouteSpec.Builder> route,
      UnaryOperator<MonitorsSpec.Builder> more) {
    MonitorsSpec.Builder m = MonitorsSpec.newBuilder();
    for (int i = 0; i < targets; i++) {
      m.addTargets(Commands.monitors(List.of("t" + i), List.of()).getTargets(0).toBuilder()
          .addLabels(Label.newBuilder().setName("service").setValue(i % 2 == 0 ? "api" : "web"))
          .setWarnings(WarningSpec.newBuilder().setRegional(true).setRegionalForMs(30_000)));
    }
    m.addReceivers(ReceiverSpec.newBuilder().setId("ops").setWebhook(WebhookSpec.newBuilder().setUrl("http://127.0.0.1:1/"))
        .setRoute(route.apply(RouteSpec.newBuilder().setSendResolved(true))));
    return more.apply(m).build();
  }

  private static Map<String, VoteState> all(int targets, VoteState state) {
    Map<String, VoteState> votes = new LinkedHashMap<>();
    for (int i = 0; i < targets; i++) {
      votes.put("t" + i, state);
    }
    return votes;
  }

  @Test
  void manyTargetsDownAtOnceMakeOneNotificationPerGroup() {
    Cluster k = new Cluster(spec(200, r -> r.addGroupBy("service").setGroupWaitMs(5000).setGroupIntervalMs(10_000),
        m -> m));
    k.allSee(all(200, VoteState.VOTE_UP));
    int before = k.sent.size();
    k.allSee(all(200, VoteState.VOTE_DOWN));
    assertThat(k.sentSince(before)).as("nothing before group_wait").isEmpty();
    k.advance(5000);
    List<Notification> firing = List.copyOf(k.sentSince(before));
    assertThat(firing).hasSize(2);
    assertThat(firing).allSatisfy(n -> {
      assertThat(n.getAlertsCount()).isEqualTo(100);
      assertThat(n.getStatus()).isEqualTo("firing");
      assertThat(n.getGroupLabelsList()).extracting(Label::getName).containsExactly("service");
    });
    assertThat(firing.stream().map(n -> n.getGroupLabels(0).getValue())).containsExactlyInAnyOrder("api", "web");

    // Recovery of the same 200: one resolved notification per group, after group_interval.
    before = k.sent.size();
    k.allSee(all(200, VoteState.VOTE_UP));
    k.advance(10_000);
    assertThat(k.sentSince(before)).hasSize(2).allSatisfy(n -> {
      assertThat(n.getStatus()).isEqualTo("resolved");
      assertThat(n.getAlertsList()).hasSize(100).allMatch(a -> a.getStatus().equals("resolved"));
    });
    assertThat(k.c.alertGroups()).as("finished groups are forgotten").isEmpty();
  }

  @Test
  void anAlertJoiningASpokenGroupWaitsForGroupInterval() {
    Cluster k = new Cluster(spec(4, r -> r.addGroupBy("service").setGroupWaitMs(0).setGroupIntervalMs(10_000), m -> m));
    k.allSee(all(4, VoteState.VOTE_UP));
    k.allSee(Map.of("t0", VoteState.VOTE_DOWN));
    assertThat(k.sent).hasSize(1);
    k.advance(2000);
    k.allSee(Map.of("t2", VoteState.VOTE_DOWN));
    assertThat(k.sent).as("t2 joins the api group: held until group_interval").hasSize(1);
    k.advance(8000);
    assertThat(k.sent).hasSize(2);
    assertThat(DeliveringCluster.alerts(k.sent.get(1))).containsExactly("TargetDown:t0:firing", "TargetDown:t2:firing");
  }

  @Test
  void routesFilterByMatchersAndSeverity() {
    MonitorsSpec spec = spec(2, r -> r.addMatchers(Matchers.parse("service=~ap.*")).addSeverities("critical"), m -> m);
    Cluster k = new Cluster(spec);
    k.allSee(all(2, VoteState.VOTE_UP));
    k.allSee(all(2, VoteState.VOTE_DOWN));
    assertThat(k.sent).hasSize(1);
    assertThat(DeliveringCluster.alerts(k.sent.get(0))).containsExactly("TargetDown:t0:firing");
  }

  @Test
  void aSilenceSuppressesAndItsExpiryNotifiesWhileTheIncidentIsOpen() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    ApplyOutcome added = k.apply(Commands.silence(k.now, "service=api", 60_000));
    assertThat(added.createdId()).startsWith("sil-");
    k.allSee(all(1, VoteState.VOTE_DOWN));
    assertThat(k.sent).isEmpty();
    assertThat(k.c.incidents()).singleElement().satisfies(i -> {
      assertThat(i.getOpen()).isTrue();
      assertThat(i.getSilenced()).as("recorded, marked silenced").isTrue();
    });
    k.advance(59_000);
    assertThat(k.sent).isEmpty();
    k.advance(1000);
    assertThat(k.sent).as("the silence ran out with the target still down").hasSize(1);
    assertThat(DeliveringCluster.alerts(k.sent.get(0))).containsExactly("TargetDown:t0:firing");
  }

  @Test
  void anIncidentOpenedAndResolvedUnderASilenceSaysNothing() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.apply(Commands.silence(k.now, "target=t0", 60_000));
    k.allSee(all(1, VoteState.VOTE_DOWN));
    k.advance(5000);
    k.allSee(all(1, VoteState.VOTE_UP));
    k.advance(60_000);
    assertThat(k.sent).isEmpty();
  }

  @Test
  void anAlertSentBeforeASilenceStillGetsItsResolvedUnderIt() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.allSee(all(1, VoteState.VOTE_DOWN));
    assertThat(k.sent).hasSize(1);
    k.apply(Commands.silence(k.now, "target=t0", 3_600_000));
    k.advance(5000);
    assertThat(k.sent).as("silenced while firing: nothing new to say").hasSize(1);
    k.allSee(all(1, VoteState.VOTE_UP));
    k.advance(1000);
    assertThat(k.sent).as("the receiver was told it fires: it is told it resolved (never swallowed)").hasSize(2);
    assertThat(DeliveringCluster.alerts(k.sent.get(1))).containsExactly("TargetDown:t0:resolved");
  }

  @Test
  void whileAMemberRunsAnOlderBuildASilencedAlertIsForgottenAsThatBuildDoes() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.apply(Commands.reportFromOldBuild(k.now, "us-east")); // a rolling upgrade: us-east still runs the old build
    k.allSee(all(1, VoteState.VOTE_DOWN));
    k.apply(Commands.reportFromOldBuild(k.now, "us-east"));
    assertThat(k.sent).hasSize(1);
    k.apply(Commands.silence(k.now, "target=t0", 3_600_000));
    k.advance(5000);
    k.apply(Commands.reportFromOldBuild(k.now, "us-east"));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.apply(Commands.reportFromOldBuild(k.now, "us-east"));
    k.advance(1000);
    k.apply(Commands.reportFromOldBuild(k.now, "us-east"));
    assertThat(k.sent).as("every replica decides as the old build would, so all stay equal").hasSize(1);
  }

  @Test
  void expiringASilenceEarlyNotifies() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    String id = k.apply(Commands.silence(k.now, "target=t0", 3_600_000)).createdId();
    k.allSee(all(1, VoteState.VOTE_DOWN));
    assertThat(k.sent).isEmpty();
    k.apply(Commands.expireSilence(k.now, id));
    assertThat(k.sent).hasSize(1);
    assertThat(k.apply(Commands.expireSilence(k.now, id)).error()).contains("already expired");
  }

  @Test
  void aMaintenanceWindowSilencesInItsLocalTimeAndNotifiesWhenItEnds() {
    // 10:00Z is 11:00 in Berlin (CET): the window 10:30-11:30 local is open now, closes in 30 minutes.
    MaintenanceWindow window = MaintenanceWindow.newBuilder().setId("weekly").setTimeZone("Europe/Berlin")
        .addMatchers(Matchers.parse("service=api")).addAllDays(List.of(1, 2, 3, 4, 5, 6, 7))
        .setStartMinute(10 * 60 + 30).setDurationMs(3_600_000).build();
    Cluster k = new Cluster(spec(1, r -> r, m -> m.addMaintenance(window)));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.allSee(all(1, VoteState.VOTE_DOWN));
    assertThat(k.sent).isEmpty();
    assertThat(k.c.incidents()).singleElement().extracting(i -> i.getSilenced()).isEqualTo(true);
    k.now += 29 * 60_000;
    k.allSee(Map.of());
    assertThat(k.sent).isEmpty();
    k.now += 60_000;
    k.allSee(Map.of());
    assertThat(k.sent).hasSize(1);
  }

  @Test
  void remindersRepeatUntilAcknowledged() {
    Cluster k = new Cluster(spec(1, r -> r.setRepeatIntervalMs(10_000), m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.allSee(all(1, VoteState.VOTE_DOWN));
    k.advance(35_000);
    assertThat(k.sent).hasSize(4);
    assertThat(k.sent.subList(1, 4)).allMatch(Notification::getReminder);
    assertThat(k.sent.stream().map(Notification::getCreatedMs).distinct()).hasSize(4);
    String incident = k.c.incidents().iterator().next().getId();
    k.apply(Commands.ack(k.now, incident));
    assertThat(k.c.incident(incident).orElseThrow().getAckedBy()).isEqualTo("sim");
    k.advance(60_000);
    assertThat(k.sent).as("no reminder after the ack").hasSize(4);
    k.allSee(all(1, VoteState.VOTE_UP));
    assertThat(k.sent).hasSize(5);
    assertThat(k.sent.get(4).getStatus()).as("the resolved still goes out").isEqualTo("resolved");
    assertThat(k.apply(Commands.ack(k.now, incident)).error()).contains("already resolved");
  }

  @Test
  void aRegionOnlyFailureWarnsOnceAfterRegionalForAndNeverPages() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.nodesSee(List.of("eu-west"), all(1, VoteState.VOTE_DOWN));
    k.advance(29_000);
    assertThat(k.sent).isEmpty();
    k.advance(2000);
    assertThat(k.sent).hasSize(1);
    Notification warning = k.sent.get(0);
    assertThat(DeliveringCluster.alerts(warning)).containsExactly("TargetRegional:t0:firing");
    AlertItem item = warning.getAlerts(0);
    assertThat(item.getSeverity()).isEqualTo("warning");
    assertThat(item.getRegionsList()).containsExactly("eu-west");
    assertThat(item.getEvidence(0).getFailureClass()).isEqualTo("http_status");
    k.advance(120_000);
    k.nodesSee(List.of("eu-west"), all(1, VoteState.VOTE_UP));
    assertThat(k.sent).hasSize(2);
    assertThat(DeliveringCluster.alerts(k.sent.get(1))).containsExactly("TargetRegional:t0:resolved");
  }

  @Test
  void aQuorumOfSlowVotesWarnsTargetDegradedWithTheTrendAsEvidence() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m.setTargets(0, m.getTargets(0).toBuilder()
        .setWarnings(m.getTargets(0).getWarnings().toBuilder().setDegraded(true)))));
    k.allSee(all(1, VoteState.VOTE_UP));
    for (String node : DeliveringCluster.NODES) {
      k.apply(Command.newBuilder().setAtMs(k.now).setReportView(ReportView.newBuilder().setNodeId(node).setRegion(node)
          .addObservations(Observation.newBuilder().setTargetId("t0").setState(VoteState.VOTE_SLOW)
              .setFailureClass("slow_trend").setDetail("latency 210 ms rising 5.0 ms/s, reaches 500 ms in ~58 s")))
          .build());
    }
    assertThat(k.c.verdictOf("t0")).isEqualTo(Verdict.VERDICT_DEGRADED);
    assertThat(k.sent).as("not before regional_for").isEmpty();
    k.advance(30_000);
    assertThat(k.sent).singleElement().satisfies(n -> {
      AlertItem a = n.getAlerts(0);
      assertThat(a.getAlertname()).isEqualTo("TargetDegraded");
      assertThat(a.getSeverity()).isEqualTo("warning");
      assertThat(a.getEvidenceList()).hasSize(3).allSatisfy(e -> assertThat(e.getFailureClass()).isEqualTo("slow_trend"));
      assertThat(a.getSummary()).isEqualTo("t0 is slow for 3 regions (quorum 2): latency 210 ms rising 5.0 ms/s, "
          + "reaches 500 ms in ~58 s");
    });
  }

  @Test
  void aCertificateNearExpiryWarnsOnceAQuorumSeesItAndResolvesWhenRenewed() {
    long day = 86_400_000L;
    Cluster k = new Cluster(spec(1, r -> r, m -> m.setTargets(0, m.getTargets(0).toBuilder()
        .setHttp(m.getTargets(0).getHttp().toBuilder().setCertExpiryWarningMs(14 * day)))));
    k.allSee(all(1, VoteState.VOTE_UP));
    long notAfter = k.now + 15 * day;
    for (String node : DeliveringCluster.NODES) {
      k.apply(certReport(k.now, node, notAfter));
    }
    assertThat(k.sent).as("15 days left, window 14").isEmpty();
    k.now += day + 61_000; // time alone brings it into the window: the per-minute sweep sees it
    k.allSee(Map.of());
    assertThat(k.sent).singleElement().satisfies(n -> {
      assertThat(n.getAlerts(0).getAlertname()).isEqualTo("TargetCertExpiring");
      assertThat(n.getAlerts(0).getSummary()).startsWith("t0: TLS certificate expires ").endsWith("(in 13 days)");
    });
    for (String node : DeliveringCluster.NODES) {
      k.apply(certReport(k.now, node, k.now + 90 * day));
    }
    assertThat(k.sent).hasSize(2);
    assertThat(k.sent.get(1).getStatus()).as("renewed").isEqualTo("resolved");
  }

  @Test
  void monitorsAppliedBeforeTheClusterSettingsWarnAboutNothing() {
    // A leader whose settings write was lost: no members, quorum 0. Nothing is known about
    // the cluster, so no warning may open (it once opened a TargetCertExpiring on apply).
    long day = 86_400_000L;
    Coordinator c = new Coordinator();
    long now = T0;
    MonitorsSpec spec = spec(1, r -> r, m -> m.setTargets(0, m.getTargets(0).toBuilder()
        .setHttp(m.getTargets(0).getHttp().toBuilder().setCertExpiryWarningMs(14 * day))));
    c.apply(1, Commands.apply(now, spec));
    c.apply(2, Commands.tick(now + 61_000));
    assertThat(c.pendingNotifications()).isEmpty();
    assertThat(c.incidents()).isEmpty();
  }

  private static Command certReport(long at, String node, long notAfterMs) {
    return Command.newBuilder().setAtMs(at).setReportView(ReportView.newBuilder().setNodeId(node).setRegion(node)
        .addObservations(Observation.newBuilder().setTargetId("t0").setState(VoteState.VOTE_UP)
            .setCertNotAfterMs(notAfterMs))).build();
  }

  @Test
  void aRegionalWarningCanBeSwitchedOffPerTarget() {
    MonitorsSpec spec = spec(1, r -> r, m -> m);
    spec = spec.toBuilder().setTargets(0, spec.getTargets(0).toBuilder().setWarnings(WarningSpec.newBuilder()
        .setRegional(false).setRegionalForMs(30_000))).build();
    Cluster k = new Cluster(spec);
    k.allSee(all(1, VoteState.VOTE_UP));
    k.nodesSee(List.of("eu-west"), all(1, VoteState.VOTE_DOWN));
    k.advance(60_000);
    assertThat(k.sent).isEmpty();
  }

  @Test
  void aNotificationGivenUpOnIsRecordedAsFailed() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.c.apply(++k.index, Commands.report(k.now, "us-west", false, all(1, VoteState.VOTE_DOWN)));
    k.c.apply(++k.index, Commands.report(k.now, "us-east", false, all(1, VoteState.VOTE_DOWN)));
    String id = k.c.pendingNotifications().iterator().next().getId();
    k.c.apply(++k.index, Commands.deliveryFailed(k.now, id));
    assertThat(k.c.pendingNotifications()).isEmpty();
    assertThat(k.c.failedNotifications()).singleElement().satisfies(f -> {
      assertThat(f.getNotification().getId()).isEqualTo(id);
      assertThat(f.getLastError()).isEqualTo("HTTP 500");
    });
  }

  @Test
  void explainHistoryRecordsVotesAndVerdicts() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    k.allSee(all(1, VoteState.VOTE_UP));
    k.allSee(all(1, VoteState.VOTE_DOWN));
    TargetRow row = k.c.targetRows().get(0);
    assertThat(row.history()).extracting(h -> h.getNodeId().isEmpty() ? "verdict " + h.getVerdict()
        : h.getNodeId() + " " + h.getVote()).containsSubsequence("us-west VOTE_DOWN", "verdict VERDICT_REGIONAL",
        "us-east VOTE_DOWN", "verdict VERDICT_DOWN");
  }

  @Test
  void silenceCommandsAreValidated() {
    Cluster k = new Cluster(spec(1, r -> r, m -> m));
    assertThat(k.apply(Commands.silence(k.now, "target=t0", 0)).error()).contains("positive duration");
    assertThat(k.apply(Commands.expireSilence(k.now, "sil-404")).error()).contains("no silence sil-404");
    assertThat(k.apply(Commands.ack(k.now, "inc-404")).error()).contains("no incident inc-404");
  }

  @Test
  void aDailyDigestReportsEachTargetsDayOnceAtItsLocalTime() {
    DailyDigest nineInBerlin = DailyDigest.newBuilder().setAtMinute(9 * 60).setTimeZone("Europe/Berlin").build();
    Cluster k = new Cluster(spec(2, r -> r.addMatchers(Matchers.parse("alertname=TargetDown"))
        .setDailyDigest(nineInBerlin), m -> m));
    k.allSee(all(2, VoteState.VOTE_UP));
    k.allSee(Map.of("t0", VoteState.VOTE_DOWN));
    k.now += 3_600_000;
    k.allSee(all(2, VoteState.VOTE_UP));
    int before = k.sent.size();
    assertThat(before).as("the outage's firing and resolved").isEqualTo(2);

    k.now = ms("2026-11-24T07:59:00Z");
    k.allSee(Map.of());
    assertThat(k.sentSince(before)).as("configured after today's 09:00 Berlin: nothing until tomorrow's").isEmpty();
    k.now = ms("2026-11-24T08:00:30Z");
    k.allSee(Map.of());
    assertThat(k.sentSince(before)).singleElement().satisfies(digest -> {
      assertThat(digest.getId()).isEqualTo("ops/digest/" + ms("2026-11-24T08:00:00Z"));
      assertThat(digest.getAlertsList()).extracting(AlertItem::getTargetId).as("worst first").containsExactly("t0", "t1");
      AlertItem t0 = digest.getAlerts(0);
      assertThat(t0.getAlertname()).isEqualTo("QuorumWatchDailyDigest");
      assertThat(t0.getSeverity()).isEqualTo("info");
      assertThat(annotation(t0, "uptime_24h")).isEqualTo("95.455"); // 1 h down of the 22 h monitored
      assertThat(annotation(t0, "incidents")).startsWith("inc-").contains("TargetDown 1h0m");
      assertThat(annotation(digest.getAlerts(1), "uptime_24h")).isEqualTo("100.000");
      assertThat(annotation(digest.getAlerts(1), "incidents")).isEmpty();
    });

    // Three days pass without a command: one late digest, not three; a restored replica agrees.
    k.now = ms("2026-11-27T12:00:00Z");
    Coordinator replica = StateCodec.restore(StateCodec.snapshot(k.c));
    k.allSee(Map.of());
    assertThat(k.sentSince(before)).extracting(Notification::getId).containsExactly(
        "ops/digest/" + ms("2026-11-24T08:00:00Z"), "ops/digest/" + ms("2026-11-27T08:00:00Z"));
    k.allSee(Map.of());
    assertThat(k.sentSince(before)).hasSize(2);
    for (String node : DeliveringCluster.NODES) {
      replica.apply(k.index + 1, Commands.report(k.now, node, false, Map.of()));
    }
    assertThat(replica.pendingNotifications()).extracting(Notification::getId)
        .containsExactly("ops/digest/" + ms("2026-11-27T08:00:00Z"));
  }

  @Test
  void aDailyDigestCoversOnlyTheTargetsItsRouteMatches() {
    DailyDigest digest = DailyDigest.newBuilder().setAtMinute(10 * 60 + 30).setTimeZone("UTC").build();
    Cluster k = new Cluster(spec(4, r -> r.addMatchers(Matchers.parse("service=web")).setDailyDigest(digest), m -> m));
    k.allSee(all(4, VoteState.VOTE_UP));
    k.now = ms("2026-11-23T10:31:00Z");
    k.allSee(Map.of());
    assertThat(k.sent).singleElement().satisfies(n ->
        assertThat(n.getAlertsList()).extracting(AlertItem::getTargetId).containsExactly("t1", "t3"));
  }

  private static long ms(String instant) {
    return ZonedDateTime.parse(instant).toInstant().toEpochMilli();
  }

  private static String annotation(AlertItem item, String name) {
    return item.getAnnotationsList().stream().filter(l -> l.getName().equals(name)).map(Label::getValue)
        .findFirst().orElseThrow();
  }
}
