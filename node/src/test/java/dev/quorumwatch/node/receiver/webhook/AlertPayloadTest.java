package dev.quorumwatch.node.receiver.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.RegionEvidence;
import org.junit.jupiter.api.Test;

class AlertPayloadTest {
  static final AlertItem API_DOWN = AlertItem.newBuilder()
      .setIncidentId("inc-7").setStatus("resolved").setAlertname("TargetDown").setTargetId("api")
      .setSeverity("critical").addLabels(Label.newBuilder().setName("service").setValue("api"))
      .setStartsMs(1_790_000_000_000L).setEndsMs(1_790_000_065_500L).addRegions("us-east").addRegions("us-west")
      .addEvidence(RegionEvidence.newBuilder().setRegion("us-east").setFailureClass("timeout").setSinceMs(1_789_999_998_000L))
      .addEvidence(RegionEvidence.newBuilder().setRegion("us-west").setFailureClass("refused").setSinceMs(1_789_999_999_000L))
      .setSummary("api is down for 2 regions (quorum 2)")
      .build();
  static final Notification RESOLVED = Notification.newBuilder()
      .setId("ops/g7/1").setReceiverId("ops").setStatus("resolved").setClusterId("prod").setQuorum(2)
      .addGroupLabels(Label.newBuilder().setName("alertname").setValue("TargetDown"))
      .addGroupLabels(Label.newBuilder().setName("target").setValue("api"))
      .addAlerts(API_DOWN).build();

  @Test
  void isAnAlertmanagerVersion4Payload() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(AlertPayload.render(RESOLVED, "http://127.0.0.1:9301/"));
    assertThat(doc.path("version").asText()).isEqualTo("4");
    assertThat(doc.path("status").asText()).isEqualTo("resolved");
    assertThat(doc.path("receiver").asText()).isEqualTo("ops");
    assertThat(doc.path("groupKey").asText()).isNotEmpty();
    assertThat(doc.path("commonLabels").path("alertname").asText()).isEqualTo("TargetDown");
    JsonNode alert = doc.path("alerts").path(0);
    assertThat(alert.path("labels").path("target").asText()).isEqualTo("api");
    assertThat(alert.path("labels").path("service").asText()).isEqualTo("api");
    assertThat(alert.path("labels").path("cluster").asText()).isEqualTo("prod");
    assertThat(alert.path("annotations").path("regions").asText()).isEqualTo("us-east,us-west");
    assertThat(alert.path("annotations").path("quorum").asText()).isEqualTo("2");
    assertThat(alert.path("annotations").path("incident_id").asText()).isEqualTo("inc-7");
    assertThat(alert.path("startsAt").asText()).isEqualTo("2026-09-21T14:13:20Z");
    assertThat(alert.path("endsAt").asText()).isEqualTo("2026-09-21T14:14:25.500Z");
    assertThat(alert.path("fingerprint").asText()).hasSize(16);
    assertThat(alert.path("annotations").path("failure_classes").asText()).isEqualTo("us-east=timeout,us-west=refused");
    assertThat(alert.path("annotations").path("first_failure").asText()).isEqualTo("2026-09-21T14:13:18Z");
  }

  @Test
  void aGroupListsEveryAlertWithTheLabelsTheyShare() throws Exception {
    AlertItem web = API_DOWN.toBuilder().setIncidentId("inc-8").setTargetId("web").setStatus("firing").setEndsMs(0)
        .build();
    Notification group = RESOLVED.toBuilder().setStatus("firing").clearGroupLabels()
        .addGroupLabels(Label.newBuilder().setName("service").setValue("api")).addAlerts(web).build();
    JsonNode doc = new ObjectMapper().readTree(AlertPayload.render(group, ""));
    assertThat(doc.path("alerts")).hasSize(2);
    assertThat(doc.path("groupKey").asText()).isEqualTo("{}:{service=\"api\"}");
    assertThat(doc.path("groupLabels").path("service").asText()).isEqualTo("api");
    assertThat(doc.path("commonLabels").path("service").asText()).isEqualTo("api");
    assertThat(doc.path("commonLabels").has("target")).as("targets differ").isFalse();
    assertThat(doc.path("status").asText()).isEqualTo("firing");
  }

  @Test
  void aDigestCarriesItsFiguresAndNoIncidentEvidence() throws Exception {
    AlertItem day = AlertItem.newBuilder().setStatus("firing").setAlertname("QuorumWatchDailyDigest")
        .setTargetId("api").setSeverity("info").setStartsMs(1_790_000_000_000L).setSummary("api: 99.000% up")
        .addAnnotations(Label.newBuilder().setName("uptime_24h").setValue("99.000"))
        .addAnnotations(Label.newBuilder().setName("incidents").setValue("inc-7 TargetDown 14m24s")).build();
    Notification digest = Notification.newBuilder().setId("ops/digest/1").setReceiverId("ops").setStatus("firing")
        .setClusterId("prod").addGroupLabels(Label.newBuilder().setName("alertname").setValue("QuorumWatchDailyDigest"))
        .addAlerts(day).setTruncatedAlerts(3).build();
    JsonNode doc = new ObjectMapper().readTree(AlertPayload.render(digest, ""));
    assertThat(doc.path("truncatedAlerts").asInt()).isEqualTo(3);
    JsonNode annotations = doc.path("alerts").path(0).path("annotations");
    assertThat(annotations.path("uptime_24h").asText()).isEqualTo("99.000");
    assertThat(annotations.path("incidents").asText()).isEqualTo("inc-7 TargetDown 14m24s");
    assertThat(annotations.has("incident_id") || annotations.has("regions")).as("not an incident").isFalse();
    assertThat(doc.path("alerts").path(0).path("labels").path("severity").asText()).isEqualTo("info");
  }

  @Test
  void firingHasTheZeroEndTimeAndTheSameFingerprint() throws Exception {
    Notification firing = RESOLVED.toBuilder().setStatus("firing")
        .setAlerts(0, API_DOWN.toBuilder().setStatus("firing").setEndsMs(0)).build();
    ObjectMapper json = new ObjectMapper();
    JsonNode f = json.readTree(AlertPayload.render(firing, "")).path("alerts").path(0);
    JsonNode r = json.readTree(AlertPayload.render(RESOLVED, "")).path("alerts").path(0);
    assertThat(f.path("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(f.path("fingerprint")).isEqualTo(r.path("fingerprint"));
  }

  @Test
  void signatureIsHmacSha256OfTimestampDotBody() {
    // Reference value computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac s3cret
    assertThat(WebhookSigner.sign("s3cret", 1_700_000_000L, "{}".getBytes()))
        .isEqualTo("t=1700000000,v1=97926816e98fbb41ccb1673225ff29a2f35369099990e1b1561651e7bd097ebf");
  }
}
