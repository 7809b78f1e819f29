package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.DailyUptime;
import dev.quorumwatch.proto.HeartbeatCheck;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Ping;
import dev.quorumwatch.proto.Pings;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.Retention;
import dev.quorumwatch.proto.TargetSpec;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state stays bounded by age: uptime per day for 400 days, old records forgotten. */
class RetentionTest {
  private static final long HOUR = 3_600_000;
  private static final long DAY = 24 * HOUR;
  /** One hour into a UTC day, so the first day is watched for 23 hours. */
  private static final long T0 = LocalDate.of(2027, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + HOUR;

  /** A cluster watching "backup", a heartbeat target due daily (plus a day's grace); time moves in leaps. */
  private static final class Cluster extends DeliveringCluster {
    private final int protocol;

    Cluster(Retention retention, int protocol) {
      super(T0, withBackup(retention));
      this.protocol = protocol;
      leap(0);
    }

    /** Time moves on by {@code ms}, and every node reports then, speaking {@link #protocol}. */
    void leap(long ms) {
      now += ms;
      for (String node : NODES) {
        apply(Command.newBuilder().setAtMs(now).setReportView(ReportView.newBuilder().setNodeId(node)
            .setRegion(node).setProtocol(protocol)).build());
      }
    }

    void ping(Ping.Kind kind) {
      apply(Command.newBuilder().setAtMs(now).setPings(Pings.newBuilder().addPings(Ping.newBuilder()
          .setTargetId("backup").setKind(kind).setExitCode(kind == Ping.Kind.KIND_FAIL ? 1 : 0).setNodeId("us-west")
          .setBody("rsync: 12 GB"))).build());
    }

    /** Down for {@code ms} from now, by a failure ping and then a success. */
    void outage(long ms) {
      ping(Ping.Kind.KIND_FAIL);
      leap(ms);
      ping(Ping.Kind.KIND_SUCCESS);
    }

    /** Leaps day by day (a success ping each day, so the target stays up) to {@code hour} of day {@code day}. */
    void dailyTo(int day, long hour) {
      while (now + DAY <= T0 - HOUR + day * DAY + hour) {
        leap(DAY);
        ping(Ping.Kind.KIND_SUCCESS);
      }
      leap(T0 - HOUR + day * DAY + hour - now);
    }

    UptimeLedger.Day day(int day) {
      long today = Math.floorDiv(now, DAY);
      int count = (int) (today - Math.floorDiv(T0, DAY) - day + 1);
      return c.dailyUptime("backup", count).get(0);
    }

    List<Incident> resolved() {
      return c.incidents().stream().filter(i -> !i.getOpen()).toList();
    }
  }

  static MonitorsSpec withBackup(Retention retention) {
    return Commands.monitors(List.of(), List.of("ops")).toBuilder().setRetention(retention)
        .addTargets(TargetSpec.newBuilder().setId("backup").setHeartbeat(HeartbeatCheck.newBuilder()
            .setPeriodMs(DAY).setGraceMs(DAY).setTokenSha256("b".repeat(64)))).build();
  }

  @Test
  void eachUtcDayKeepsItsUptimeAfterTheIntervalsAreGoneAndForFourHundredDays() {
    Cluster k = new Cluster(Retention.getDefaultInstance(), Protocol.CURRENT);
    k.ping(Ping.Kind.KIND_SUCCESS);
    k.leap(HOUR);
    k.outage(HOUR); // day 0: 1 h down of the 23 h watched
    k.dailyTo(1, 6 * HOUR);
    k.outage(30 * 60_000); // day 1: 30 min down of 24 h
    k.dailyTo(2, 12 * HOUR);

    assertThat(k.day(0).known()).isTrue();
    assertThat(k.day(0).uptimePercent()).isCloseTo(100.0 * 22 / 23, within(1e-9));
    assertThat(k.day(1).uptimePercent()).isCloseTo(100.0 * (24 * 60 - 30) / (24 * 60), within(1e-9));
    assertThat(k.day(2).uptimePercent()).as("today, half watched").isEqualTo(100.0);
    assertThat(k.day(-1).known()).as("before the target was watched").isFalse();

    k.dailyTo(45, 12 * HOUR);
    k.outage(HOUR); // a new outage drops the intervals older than 30 days
    assertThat(k.day(0).uptimePercent()).as("rolled up before its interval went").isCloseTo(100.0 * 22 / 23,
        within(1e-9));
    assertThat(k.day(1).downMs()).isEqualTo(30 * 60_000);
    assertThat(k.day(45).downMs()).as("today, from the intervals").isEqualTo(HOUR);

    Coordinator restored = StateCodec.restore(StateCodec.snapshot(k.c));
    assertThat(restored.dailyUptime("backup", 50)).isEqualTo(k.c.dailyUptime("backup", 50));

    k.dailyTo(400, 12 * HOUR);
    assertThat(k.day(1).known()).as("day 1 is 399 days back: still kept").isTrue();
    assertThat(k.day(1).downMs()).isEqualTo(30 * 60_000);
    k.dailyTo(402, 12 * HOUR);
    assertThat(k.day(1).known()).as("401 days back: forgotten").isFalse();
    DailyUptime daily = StateCodec.snapshot(k.c).getTargets(0).getDaily();
    assertThat(daily.getRolledUntilEpochDay() - daily.getFirstEpochDay()).isEqualTo(UptimeLedger.DAYS_KEPT);
    assertThat(daily.getDownSecondsList()).as("only days with downtime are listed: day 45").containsExactly(3600);
  }

  @Test
  void resolvedIncidentsAndPingBodiesAreForgottenWhenOlderThanTheirRetention() {
    Cluster k = new Cluster(Retention.newBuilder().setResolvedIncidentsMs(2 * DAY).setPingBodiesMs(3 * HOUR).build(),
        Protocol.CURRENT);
    k.ping(Ping.Kind.KIND_SUCCESS);
    k.outage(HOUR);
    assertThat(k.resolved()).hasSize(1);
    assertThat(k.c.heartbeatOf("backup").getLastBody()).isEqualTo("rsync: 12 GB");
    k.leap(3 * HOUR - 60_000);
    assertThat(k.c.heartbeatOf("backup").getLastBody()).isEqualTo("rsync: 12 GB");
    k.leap(2 * 60_000);
    assertThat(k.c.heartbeatOf("backup").getLastBody()).as("3 h after the last ping").isEmpty();
    assertThat(k.c.heartbeatOf("backup").getPings()).as("the rest of the record stays").isEqualTo(3);
    k.leap(2 * DAY - 3 * HOUR - 2 * 60_000);
    assertThat(k.resolved()).as("just under 2 days after it resolved").hasSize(1);
    k.leap(2 * 60_000);
    assertThat(k.resolved()).isEmpty();
  }

  @Test
  void failedNotificationsAreForgottenAfterThirtyDaysByDefault() {
    Coordinator c = new Coordinator();
    long now = T0;
    long index = 0;
    c.apply(++index, Commands.cluster(now, 2, 3000, DeliveringCluster.NODES));
    c.apply(++index, Commands.apply(now, withBackup(Retention.getDefaultInstance())));
    now += 3 * DAY; // never pinged: down, and its page is queued
    c.apply(++index, Commands.tick(now));
    List<String> pending = c.pendingNotifications().stream().map(Notification::getId).toList();
    assertThat(pending).hasSize(1);
    c.apply(++index, Commands.deliveryFailed(now, pending.get(0)));
    assertThat(c.failedNotifications()).hasSize(1);
    c.apply(++index, Commands.tick(now + 30 * DAY - 60_000));
    assertThat(c.failedNotifications()).hasSize(1);
    c.apply(++index, Commands.tick(now + 30 * DAY + 60_000));
    assertThat(c.failedNotifications()).isEmpty();
  }

  @Test
  void nothingIsForgottenWhileAMemberRunsAnOlderVersion() {
    Cluster k = new Cluster(Retention.newBuilder().setResolvedIncidentsMs(HOUR).setPingBodiesMs(HOUR).build(),
        Protocol.HEARTBEATS);
    k.ping(Ping.Kind.KIND_SUCCESS);
    k.outage(HOUR);
    k.leap(DAY);
    assertThat(k.resolved()).hasSize(1);
    assertThat(k.c.heartbeatOf("backup").getLastBody()).isNotEmpty();
    assertThat(StateCodec.snapshot(k.c).getTargets(0).getDaily().getRolledUntilEpochDay()).as("no day rolled up")
        .isZero();
    assertThat(k.day(0).downMs()).as("recent days still read from the intervals").isEqualTo(HOUR);
  }

  @Test
  void aRetentionOutsideItsBoundsIsRejectedAtApply() {
    Coordinator c = new Coordinator();
    c.apply(1, Commands.cluster(T0, 2, 3000, DeliveringCluster.NODES));
    ApplyOutcome outcome = c.apply(2, Commands.apply(T0, withBackup(Retention.newBuilder()
        .setPingBodiesMs(60_000).build())));
    assertThat(outcome.error()).contains("retention").contains("between 1h and 400d");
  }
}
