package dev.quorumwatch.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.node.receiver.pagerduty.PagerDutyKind;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import org.junit.jupiter.api.Test;

/** Receiver blocks as users copy them from alertmanager.yml, and the errors a wrong one gets. */
class ReceiverParserTest {
  static MonitorsSpec parse(String receivers) throws ConfigException {
    return MonitorsParser.parse("monitors.yaml", "receivers:\n" + receivers);
  }

  static void rejected(String receivers, String message) {
    assertThatThrownBy(() -> parse(receivers)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void everyKindReadsWithAlertmanagersFieldNames() throws Exception {
    MonitorsSpec spec = parse("""
          - id: hook
            webhook: {url: "https://hooks.example.com/alerts", secret_env: QW_HOOK_SECRET}
          - id: mail
            email: {to: [oncall@example.com, "Ops <ops@example.com>"], from: qw@example.com, smarthost: "smtp.example.com:587",
                    auth_username: qw, auth_password: "${QW_SMTP_PASSWORD}", subject: "{{default_title}}"}
          - id: chat
            slack: {api_url: "https://hooks.slack.com/services/${QW_SLACK_PATH}", channel: "#ops", title: "{{status}}"}
          - id: pager
            pagerduty: {routing_key: "${file:/etc/quorumwatch/pd-key}"}
            fallback: mail
            fallback_after: 90s
          - id: genie
            opsgenie: {api_key: "${QW_OPSGENIE_KEY}"}
          - id: teams
            msteams: {webhook_url: "${QW_TEAMS_URL}"}
          - id: discord
            discord: {webhook_url: "https://discord.com/api/webhooks/${QW_DISCORD}"}
          - id: tg
            telegram: {bot_token: "${QW_TG_TOKEN}", chat_id: "-1001234"}
          - id: push
            ntfy: {url: "https://ntfy.sh/qw-alerts"}
        """);
    assertThat(spec.getReceiversList()).extracting(ReceiverSpec::getKindCase).extracting(Enum::name).containsExactly(
        "WEBHOOK", "EMAIL", "SLACK", "PAGERDUTY", "OPSGENIE", "MSTEAMS", "DISCORD", "TELEGRAM", "NTFY");
    ReceiverSpec mail = spec.getReceivers(1);
    assertThat(mail.getEmail().getToList()).containsExactly("oncall@example.com", "Ops <ops@example.com>");
    assertThat(mail.getEmail().getRequireTls()).as("STARTTLS unless said otherwise").isTrue();
    assertThat(mail.getTemplates().getTitle()).isEqualTo("{{default_title}}");
    ReceiverSpec pager = spec.getReceivers(3);
    assertThat(pager.getPagerduty().getUrl()).isEqualTo(PagerDutyKind.DEFAULT_URL);
    assertThat(pager.getFallback()).isEqualTo("mail");
    assertThat(pager.getFallbackAfterMs()).isEqualTo(90_000);
    assertThat(spec.getReceivers(4).getOpsgenie().getApiUrl()).isEqualTo("https://api.opsgenie.com/");
    assertThat(spec.getReceivers(7).getTelegram().getApiUrl()).isEqualTo("https://api.telegram.org");
    assertThat(spec.getReceivers(0).hasTemplates()).isFalse();
  }

  @Test
  void aFallbackWaitsTwoMinutesUnlessToldOtherwise() throws Exception {
    MonitorsSpec spec = parse("""
          - {id: a, ntfy: {url: "https://ntfy.sh/a"}, fallback: b}
          - {id: b, ntfy: {url: "https://ntfy.sh/b"}}
        """);
    assertThat(spec.getReceivers(0).getFallbackAfterMs()).isEqualTo(120_000);
  }

  @Test
  void wrongReceiversNameTheFieldAndWhatWasExpected() {
    rejected("  - {id: a, pagerduty: {url: \"https://events.example.com/v2/enqueue\"}}\n",
        "monitors.yaml: receivers[0].pagerduty.routing_key: missing required field");
    rejected("  - {id: a, pagerduty: {routing_key: R0UTINGKEY}}\n", "monitors.yaml: receivers[0].pagerduty.routing_key:"
        + " expected a reference such as ${QW_SECRET} (an environment variable on every node) or ${file:/path}:"
        + " a secret is never written into the monitors file");
    rejected("  - {id: a}\n", "monitors.yaml: receivers[0]: expected exactly one kind: webhook, email, slack,"
        + " pagerduty, opsgenie, msteams, discord, telegram, ntfy");
    rejected("  - {id: a, slack: {api_url: \"https://x.example/\"}, discord: {webhook_url: \"https://y.example/\"}}\n",
        "monitors.yaml: receivers[0]: expected exactly one kind: webhook, email, slack, pagerduty, opsgenie, msteams,"
            + " discord, telegram, ntfy; got slack and discord");
    rejected("  - {id: a, slack: {api_url: \"ftp://x.example/\"}}\n",
        "monitors.yaml: receivers[0].slack.api_url: expected an http:// or https:// URL, got 'ftp://x.example/'");
    rejected("  - {id: a, slack: {api_url: \"https://x.example/\", colour: red}}\n",
        "monitors.yaml: receivers[0].slack.colour: unknown key (expected one of api_url, channel, text, title)");
    rejected("  - {id: a, email: {to: not-an-address, from: qw@example.com, smarthost: \"smtp.example.com:25\"}}\n",
        "monitors.yaml: receivers[0].email.to: expected an email address, got 'not-an-address'");
    rejected("  - {id: a, email: {to: a@example.com, from: qw@example.com, smarthost: smtp.example.com}}\n",
        "monitors.yaml: receivers[0].email.smarthost: expected host:port with a port from 1 to 65535, got 'smtp.example.com'");
    rejected("  - {id: a, telegram: {bot_token: \"${T}\", api_url: \"https://api.telegram.org\"}}\n",
        "monitors.yaml: receivers[0].telegram.chat_id: missing required field");
    rejected("  - {id: a, ntfy: {url: \"https://ntfy.sh/a\"}, fallback: nobody}\n",
        "monitors.yaml: receivers[0].fallback: expected the id of another receiver, got 'nobody'");
    rejected("  - {id: a, ntfy: {url: \"https://ntfy.sh/a\"}, fallback: a}\n",
        "monitors.yaml: receivers[0].fallback: expected the id of another receiver, got 'a'");
    rejected("  - {id: a, ntfy: {url: \"https://ntfy.sh/a\"}, fallback_after: 1m}\n",
        "monitors.yaml: receivers[0].fallback_after: needs a fallback receiver");
  }

  @Test
  void aBadTemplateIsRejectedWithItsLine() {
    assertThatThrownBy(() -> parse("  - {id: a, slack: {api_url: \"https://x.example/\", text: \"line one\\n{{#alerts}}\\n\"}}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("monitors.yaml: receivers[0].slack.text: not a valid template:")
        .hasMessageContaining("line");
  }
}
