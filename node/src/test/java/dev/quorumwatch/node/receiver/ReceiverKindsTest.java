package dev.quorumwatch.node.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.node.testing.FakeService;
import dev.quorumwatch.node.testing.FakeService.Answer;
import dev.quorumwatch.node.testing.Notifications;
import dev.quorumwatch.node.testing.ServiceRules;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each HTTP kind against a local stand-in that checks requests the way the service's API
 * documentation describes them; a 429 with Retry-After (or the service's own field) and a 5xx
 * come back as failed attempts carrying the wait the service asked for.
 */
class ReceiverKindsTest {
  static final String ROUTING_KEY = "R0UT1NGKEY0123456789abcdefabcdef";
  static final String GENIE_KEY = "g3n1e-k3y";
  static final String BOT_TOKEN = "123456:bot-t0ken";
  static final String NTFY_TOKEN = "tk_ntfy-t0ken";
  static final Map<String, String> ENV = Map.of("QW_PD_KEY", ROUTING_KEY, "QW_OG_KEY", GENIE_KEY, "QW_TG_TOKEN",
      BOT_TOKEN, "QW_NTFY_TOKEN", NTFY_TOKEN);
  static final String LINK = "http://127.0.0.1:9301/";

  static final Notification FIRING = Notifications.FIRING;
  static final Notification RESOLVED = Notifications.RESOLVED;

  final List<FakeService> services = new ArrayList<>();
  final SendContext context = new SendContext(new HttpPoster(HttpClient.newHttpClient(), DeniedNetworks.NONE,
      ForkJoinPool.commonPool(), new Secrets(ENV::get), System::currentTimeMillis), DeniedNetworks.NONE,
      ForkJoinPool.commonPool(), "us-west", System::currentTimeMillis);

  @AfterEach
  void stop() {
    services.forEach(FakeService::close);
  }

  FakeService service(java.util.function.Function<FakeService.Request, String> rules, Answer success) throws Exception {
    FakeService s = new FakeService(rules, success);
    services.add(s);
    return s;
  }

  static ReceiverSpec receiver(String yaml) throws Exception {
    return MonitorsParser.parse("monitors.yaml", "receivers:\n  - id: ops\n" + yaml).getReceivers(0);
  }

  Delivery send(ReceiverSpec spec, Notification n) throws Exception {
    return ReceiverKinds.of(spec).create(spec, context).send(n, AlertMessage.of(n, LINK, spec.getTemplates()))
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void slackGetsAColouredAttachmentThatSummarisesTheGroup() throws Exception {
    FakeService slack = service(ServiceRules::slack, Answer.of(200, "ok"));
    ReceiverSpec spec = receiver("    slack: {api_url: \"" + slack.url() + "/services/T0/B0/x\", channel: \"#ops\"}\n");
    assertThat(send(spec, FIRING)).isEqualTo(Delivery.delivered("HTTP 200: ok"));
    assertThat(send(spec, RESOLVED).delivered()).isTrue();
    JsonNode firing = slack.accepted().get(0).json();
    assertThat(firing.path("channel").asText()).isEqualTo("#ops");
    assertThat(firing.path("text").asText()).isEqualTo(AlertMessage.FIRING_MARK + " FIRING: 3 targets down: api, web, db");
    JsonNode attachment = firing.path("attachments").path(0);
    assertThat(attachment.path("color").asText()).isEqualTo("#d63232");
    assertThat(attachment.path("title_link").asText()).isEqualTo(LINK);
    assertThat(attachment.path("text").asText()).contains("regions: us-east, us-west (quorum 2)")
        .contains("failures: us-east=timeout, us-west=refused").contains("incident: inc-8");
    assertThat(attachment.path("footer").asText()).contains("ops/g1/1");
    JsonNode resolved = slack.accepted().get(1).json();
    assertThat(resolved.path("text").asText()).startsWith(AlertMessage.RESOLVED_MARK + " RESOLVED: api");
    assertThat(resolved.path("attachments").path(0).path("color").asText()).isEqualTo("#2eb886");
  }

  @Test
  void pagerDutyTriggersThenResolvesOnTheGroupsKey() throws Exception {
    FakeService pd = service(r -> ServiceRules.pagerDuty(r, ROUTING_KEY),
        Answer.of(202, "{\"status\":\"success\",\"message\":\"Event processed\"}"));
    ReceiverSpec spec = receiver("    pagerduty: {routing_key: \"${QW_PD_KEY}\", url: \"" + pd.url() + "/v2/enqueue\"}\n");
    Delivery triggered = send(spec, FIRING);
    assertThat(triggered.delivered()).isTrue();
    assertThat(triggered.outcome()).startsWith("HTTP 202").doesNotContain(ROUTING_KEY);
    assertThat(send(spec, RESOLVED).delivered()).isTrue();
    assertThat(pd.accepted()).hasSize(2);
    JsonNode trigger = pd.accepted().get(0).json();
    JsonNode resolve = pd.accepted().get(1).json();
    assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
    assertThat(trigger.path("payload").path("severity").asText()).isEqualTo("critical");
    assertThat(trigger.path("payload").path("component").asText()).isEqualTo("api");
    assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
    assertThat(resolve.path("dedup_key").asText()).isEqualTo(trigger.path("dedup_key").asText()).isEqualTo("prod/g1");
  }

  @Test
  void opsgenieCreatesByAliasAndClosesByIt() throws Exception {
    FakeService og = service(r -> ServiceRules.opsgenie(r, GENIE_KEY),
        Answer.of(202, "{\"result\":\"Request will be processed\",\"took\":0.1}"));
    ReceiverSpec spec = receiver("    opsgenie: {api_key: \"${QW_OG_KEY}\", api_url: \"" + og.url() + "/\"}\n");
    assertThat(send(spec, FIRING).delivered()).isTrue();
    assertThat(send(spec, RESOLVED).delivered()).isTrue();
    assertThat(og.accepted()).extracting(FakeService.Request::path)
        .containsExactly("/v2/alerts", "/v2/alerts/prod%2Fg1/close");
    JsonNode created = og.accepted().get(0).json();
    assertThat(created.path("alias").asText()).isEqualTo("prod/g1");
    assertThat(created.path("priority").asText()).isEqualTo("P1");
    assertThat(created.path("message").asText()).hasSizeLessThanOrEqualTo(130);
  }

  @Test
  void teamsGetsAnAdaptiveCard() throws Exception {
    FakeService teams = service(ServiceRules::teams, Answer.of(202, ""));
    ReceiverSpec spec = receiver("    msteams: {webhook_url: \"" + teams.url() + "/workflows/x\"}\n");
    assertThat(send(spec, FIRING).delivered()).isTrue();
    JsonNode card = teams.accepted().get(0).json().path("attachments").path(0).path("content");
    assertThat(card.path("body").path(0).path("color").asText()).isEqualTo("Attention");
    assertThat(card.path("actions").path(0).path("url").asText()).isEqualTo(LINK);
  }

  @Test
  void discordGetsAnEmbedWithMentionsOff() throws Exception {
    FakeService discord = service(ServiceRules::discord, Answer.of(204, ""));
    ReceiverSpec spec = receiver("    discord: {webhook_url: \"" + discord.url() + "/api/webhooks/1/x\"}\n");
    assertThat(send(spec, FIRING).delivered()).isTrue();
    JsonNode body = discord.accepted().get(0).json();
    assertThat(body.path("allowed_mentions").path("parse")).isEmpty();
    assertThat(body.path("embeds").path(0).path("color").asInt()).isEqualTo(0xD63232);
  }

  @Test
  void telegramSendsPlainTextWithTheTokenOnlyInThePath() throws Exception {
    FakeService tg = service(r -> ServiceRules.telegram(r, BOT_TOKEN), Answer.of(200, "{\"ok\":true,\"result\":{}}"));
    ReceiverSpec spec = receiver("    telegram: {bot_token: \"${QW_TG_TOKEN}\", chat_id: \"-100123\", api_url: \""
        + tg.url() + "\"}\n");
    Delivery sent = send(spec, FIRING);
    assertThat(sent.delivered()).isTrue();
    assertThat(tg.accepted().get(0).json().path("text").asText()).startsWith(AlertMessage.FIRING_MARK + " FIRING")
        .contains("Key: ops/g1/1");
  }

  @Test
  void ntfyPublishesTheTextWithTitleTagsAndPriority() throws Exception {
    FakeService ntfy = service(r -> ServiceRules.ntfy(r, "alerts", NTFY_TOKEN), Answer.of(200, "{\"event\":\"message\"}"));
    ReceiverSpec spec = receiver("    ntfy: {url: \"" + ntfy.url() + "/alerts\", token: \"${QW_NTFY_TOKEN}\"}\n");
    assertThat(send(spec, FIRING).delivered()).isTrue();
    FakeService.Request r = ntfy.accepted().get(0);
    assertThat(r.header("Priority")).isEqualTo("urgent");
    assertThat(r.header("Tags")).isEqualTo("rotating_light");
    assertThat(r.header("Title")).startsWith("=?UTF-8?B?");
    assertThat(r.text()).contains("api — TargetDown");
  }

  @Test
  void rateLimitsAndServerErrorsAreFailedAttemptsWithTheWaitTheServiceAskedFor() throws Exception {
    FakeService slack = service(ServiceRules::slack, Answer.of(200, "ok"));
    slack.queue(new Answer(429, Map.of("Retry-After", "2"), "rate_limited", 0), Answer.of(503, "try later"));
    ReceiverSpec spec = receiver("    slack: {api_url: \"" + slack.url() + "/services/x\"}\n");
    assertThat(send(spec, FIRING)).isEqualTo(Delivery.failed("HTTP 429: rate_limited", 2_000));
    assertThat(send(spec, FIRING)).isEqualTo(Delivery.failed("HTTP 503: try later", 0));
    assertThat(send(spec, FIRING).delivered()).isTrue();

    FakeService tg = service(r -> ServiceRules.telegram(r, BOT_TOKEN), Answer.of(200, "{\"ok\":true}"));
    tg.queue(Answer.of(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 3\","
        + "\"parameters\":{\"retry_after\":3}}"));
    ReceiverSpec telegram = receiver("    telegram: {bot_token: \"${QW_TG_TOKEN}\", chat_id: \"1\", api_url: \""
        + tg.url() + "\"}\n");
    assertThat(send(telegram, FIRING).retryAfterMs()).isEqualTo(3_000);

    FakeService discord = service(ServiceRules::discord, Answer.of(204, ""));
    discord.queue(Answer.of(429, "{\"message\":\"You are being rate limited.\",\"retry_after\":1.5,\"global\":false}"));
    ReceiverSpec d = receiver("    discord: {webhook_url: \"" + discord.url() + "/api/webhooks/1/x\"}\n");
    assertThat(send(d, FIRING).retryAfterMs()).isEqualTo(1_500);
  }

  @Test
  void aServiceThatTurnsTheRequestDownSaysWhyInTheOutcome() throws Exception {
    FakeService pd = service(r -> ServiceRules.pagerDuty(r, "another-key"), Answer.of(202, "{}"));
    ReceiverSpec spec = receiver("    pagerduty: {routing_key: \"${QW_PD_KEY}\", url: \"" + pd.url() + "/v2/enqueue\"}\n");
    Delivery refused = send(spec, FIRING);
    assertThat(refused.delivered()).isFalse();
    assertThat(refused.outcome()).startsWith("HTTP 400").contains("Invalid routing key").doesNotContain(ROUTING_KEY);
  }
}
