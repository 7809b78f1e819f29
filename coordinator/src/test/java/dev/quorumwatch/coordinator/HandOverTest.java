package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.FailedNotification;
import dev.quorumwatch.proto.HandOver;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.SlackSpec;
import dev.quorumwatch.proto.VoteState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A receiver's fallback takes a notification at most once, whatever the leaders resend. */
class HandOverTest {
  private final Coordinator c = new Coordinator();
  private long index;

  private ApplyOutcome apply(Command command) {
    return c.apply(++index, command);
  }

  private static MonitorsSpec withFallback() {
    MonitorsSpec base = Commands.monitors(List.of("web"), List.of("slack", "mail"));
    return base.toBuilder().setReceivers(0, base.getReceivers(0).toBuilder().setFallback("mail")
        .setFallbackAfterMs(120_000)).build();
  }

  private static Command handOver(long atMs, String id) {
    return Command.newBuilder().setAtMs(atMs).setHandOver(HandOver.newBuilder().addNotificationIds(id)
        .setLastError("HTTP 503").setAttempts(4)).build();
  }

  private Notification firingFor(String receiver) {
    apply(Commands.cluster(1_000, 2, 3_000, "a", "b", "c"));
    assertThat(apply(Commands.apply(1_000, withFallback())).accepted()).isTrue();
    for (String node : List.of("a", "b", "c")) {
      apply(Commands.report(2_000, node, true, Map.of("web", VoteState.VOTE_UP)));
    }
    for (String node : List.of("a", "b")) {
      apply(Commands.report(3_000, node, false, Map.of("web", VoteState.VOTE_DOWN)));
    }
    return c.pendingNotifications().stream().filter(n -> n.getReceiverId().equals(receiver)).findFirst().orElseThrow();
  }

  @Test
  void theNotificationMovesToTheFallbackOnceAndIsRecorded() {
    Notification original = firingFor("slack");
    assertThat(apply(handOver(130_000, original.getId())).accepted()).isTrue();

    assertThat(c.pendingNotifications()).extracting(Notification::getId)
        .doesNotContain(original.getId()).contains(original.getId() + "/fallback");
    Notification copy = c.pendingNotifications().stream()
        .filter(n -> n.getId().equals(original.getId() + "/fallback")).findFirst().orElseThrow();
    assertThat(copy.getReceiverId()).isEqualTo("mail");
    assertThat(copy.getFallbackForReceiver()).isEqualTo("slack");
    assertThat(copy.getAlertsList()).isEqualTo(original.getAlertsList());
    assertThat(c.failedNotifications()).extracting(FailedNotification::getHandedOverTo).containsExactly("mail");

    int pendingBefore = c.pendingNotifications().size();
    apply(handOver(131_000, original.getId()));
    apply(handOver(132_000, copy.getId()));
    assertThat(c.pendingNotifications()).as("a resend, and a copy, go nowhere").hasSize(pendingBefore);
    assertThat(c.failedNotifications()).hasSize(1);
  }

  @Test
  void aNotificationDeliveredMeanwhileStaysDelivered() {
    Notification original = firingFor("slack");
    apply(Commands.delivered(100_000, original.getId()));
    apply(handOver(130_000, original.getId()));
    assertThat(c.pendingNotifications()).extracting(Notification::getId).doesNotContain(original.getId(),
        original.getId() + "/fallback");
    assertThat(c.failedNotifications()).isEmpty();
  }

  @Test
  void newReceiverKindsWaitUntilNoMemberReportsAnOlderProtocol() {
    apply(Commands.cluster(1_000, 2, 3_000, "a", "b", "c"));
    MonitorsSpec slack = MonitorsSpec.newBuilder().addReceivers(ReceiverSpec.newBuilder().setId("chat")
        .setSlack(SlackSpec.newBuilder().setApiUrl("http://127.0.0.1:1/"))).build();
    apply(Command.newBuilder().setAtMs(2_000).setReportView(ReportView.newBuilder().setNodeId("a").setRegion("a")
        .setProtocol(Protocol.CURRENT)).build());
    apply(Commands.reportFromOldBuild(2_000, "b"));
    ApplyOutcome refused = apply(Commands.apply(3_000, slack));
    assertThat(refused.accepted()).isFalse();
    assertThat(refused.error()).contains("need every node upgraded").contains("older: b");
    assertThat(apply(Commands.apply(3_000, Commands.monitors(List.of(), List.of("ops")))).accepted())
        .as("webhook receivers need nothing new").isTrue();

    apply(Command.newBuilder().setAtMs(4_000).setReportView(ReportView.newBuilder().setNodeId("b").setRegion("b")
        .setProtocol(Protocol.CURRENT)).build());
    assertThat(apply(Commands.apply(5_000, slack)).accepted()).isTrue();
  }

  @Test
  void aReceiverWithoutAKindOrWithAnUnknownFallbackIsRefused() {
    apply(Commands.cluster(1_000, 2, 3_000, "a", "b", "c"));
    MonitorsSpec noKind = MonitorsSpec.newBuilder().addReceivers(ReceiverSpec.newBuilder().setId("x")).build();
    assertThat(apply(Commands.apply(2_000, noKind)).error()).startsWith("receivers[0]: no kind");
    MonitorsSpec base = Commands.monitors(List.of(), List.of("a"));
    MonitorsSpec unknown = base.toBuilder().setReceivers(0, base.getReceivers(0).toBuilder().setFallback("nobody")).build();
    assertThat(apply(Commands.apply(2_000, unknown)).error()).isEqualTo("receivers[0].fallback: nobody is not another receiver");
  }
}
