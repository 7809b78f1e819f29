package dev.quorumwatch.node.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.testing.Notifications;
import dev.quorumwatch.proto.MessageTemplates;
import dev.quorumwatch.proto.Notification;
import org.junit.jupiter.api.Test;

class AlertMessageTest {
  static final Notification FIRING = Notifications.FIRING;
  static final String LINK = "http://127.0.0.1:9301/";

  @Test
  void aGroupIsSummarisedInTheTitleAndDetailedInTheText() {
    AlertMessage m = AlertMessage.of(FIRING, LINK, MessageTemplates.getDefaultInstance());
    assertThat(m.firing()).isTrue();
    assertThat(m.severity()).isEqualTo("critical");
    assertThat(m.title()).isEqualTo(AlertMessage.FIRING_MARK + " FIRING: 3 targets down: api, web, db");
    assertThat(m.text()).contains("• web — TargetDown (critical), firing", "regions: us-east, us-west (quorum 2)",
        "failures: us-east=timeout, us-west=refused", "since: 2026-09-21T14:13:20Z", "incident: inc-9",
        "Status page: " + LINK, "Key: ops/g1/1");
  }

  @Test
  void manyAlertsNameTheFirstFiveAndCountTheRest() {
    Notification.Builder many = FIRING.toBuilder().clearAlerts();
    for (int i = 0; i < 8; i++) {
      many.addAlerts(Notifications.DOWN.toBuilder().setTargetId("t" + i));
    }
    assertThat(AlertMessage.of(many.build(), "", MessageTemplates.getDefaultInstance()).title())
        .endsWith("8 targets down: t0, t1, t2, t3, t4 and 3 more");
  }

  @Test
  void aResolvedSingleAlertAndAFallbackCopySayWhatTheyAre() {
    Notification copy = Notifications.RESOLVED.toBuilder().setFallbackForReceiver("pager").build();
    AlertMessage m = AlertMessage.of(copy, LINK, MessageTemplates.getDefaultInstance());
    assertThat(m.firing()).isFalse();
    assertThat(m.title()).isEqualTo(AlertMessage.RESOLVED_MARK + " RESOLVED: api (TargetDown)");
    assertThat(m.text()).startsWith("Sent here because receiver pager could not be reached.");
  }

  @Test
  void templatesReplaceTitleAndTextOverTheAlertsContext() {
    MessageTemplates t = MessageTemplates.newBuilder()
        .setTitle("[{{status}}] {{count}} on {{cluster}}")
        .setText("{{#alerts}}{{name}}@{{regions}} ({{labels.team}}){{/alerts}}|{{key}}").build();
    AlertMessage m = AlertMessage.of(FIRING, LINK, t);
    assertThat(m.title()).isEqualTo("[firing] 3 on prod");
    assertThat(m.text()).isEqualTo("api@us-east, us-west ()web@us-east, us-west ()db@us-east, us-west ()|ops/g1/1");
  }

  @Test
  void aTemplateThatFailsAtSendTimeGivesTheDefaultTextNeverAnError() {
    MessageTemplates broken = MessageTemplates.newBuilder().setTitle("{{#alerts}}unclosed").build();
    AlertMessage m = AlertMessage.of(FIRING, LINK, broken);
    assertThat(m.title()).isEqualTo(AlertMessage.FIRING_MARK + " FIRING: 3 targets down: api, web, db");
  }

  @Test
  void templatesCannotReachIntoTheNode() {
    MessageTemplates prying = MessageTemplates.newBuilder().setTitle("{{key.bytes}}{{key.class}}{{alerts.size}}").build();
    assertThat(AlertMessage.of(FIRING, LINK, prying).title()).isEmpty();
  }
}
