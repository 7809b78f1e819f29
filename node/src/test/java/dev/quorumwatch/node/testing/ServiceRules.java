package dev.quorumwatch.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quorumwatch.node.testing.FakeService.Request;
import java.util.Set;

/**
 * What each service's public API documentation requires of a request, as checks for
 * {@link FakeService}: null when the service would accept it, else what it would complain of.
 */
public final class ServiceRules {
  private ServiceRules() {}

  private static String json(Request r) {
    String type = r.header("Content-Type");
    return "POST".equals(r.method()) && type != null && type.startsWith("application/json") ? null
        : "expected a POST of application/json, got " + r.method() + " " + type;
  }

  /** Slack incoming webhooks: a text (or attachments with text), at most 40,000 characters. */
  public static String slack(Request r) {
    String wrong = json(r);
    if (wrong != null) {
      return wrong;
    }
    JsonNode doc = r.json();
    if (doc.path("text").asText().isEmpty() && !doc.path("attachments").isArray()) {
      return "no_text";
    }
    return doc.path("text").asText().length() > 40_000 ? "invalid_payload" : null;
  }

  /** PagerDuty Events API v2 (/v2/enqueue). */
  public static String pagerDuty(Request r, String routingKey) {
    String wrong = json(r);
    if (wrong != null || !r.path().equals("/v2/enqueue")) {
      return wrong != null ? wrong : "unknown path " + r.path();
    }
    JsonNode e = r.json();
    if (!routingKey.equals(e.path("routing_key").asText())) {
      return "{\"status\":\"invalid event\",\"errors\":[\"Invalid routing key\"]}";
    }
    String action = e.path("event_action").asText();
    if (!Set.of("trigger", "acknowledge", "resolve").contains(action)) {
      return "{\"status\":\"invalid event\",\"errors\":[\"'event_action' is invalid\"]}";
    }
    String dedup = e.path("dedup_key").asText();
    if (dedup.length() > 255 || (!action.equals("trigger") && dedup.isEmpty())) {
      return "{\"status\":\"invalid event\",\"errors\":[\"'dedup_key' is invalid\"]}";
    }
    if (action.equals("trigger")) {
      JsonNode p = e.path("payload");
      if (p.path("summary").asText().isEmpty() || p.path("summary").asText().length() > 1024
          || p.path("source").asText().isEmpty()
          || !Set.of("critical", "error", "warning", "info").contains(p.path("severity").asText())) {
        return "{\"status\":\"invalid event\",\"errors\":[\"'payload' is invalid\"]}";
      }
    }
    return null;
  }

  /** Opsgenie Alert API: create (/v2/alerts) and close by alias. */
  public static String opsgenie(Request r, String apiKey) {
    String wrong = json(r);
    if (wrong != null) {
      return wrong;
    }
    if (!("GenieKey " + apiKey).equals(r.header("Authorization"))) {
      return "{\"message\":\"Could not authenticate\"}";
    }
    JsonNode doc = r.json();
    if (r.path().equals("/v2/alerts")) {
      String message = doc.path("message").asText();
      if (message.isEmpty() || message.length() > 130 || doc.path("alias").asText().length() > 512
          || doc.path("description").asText().length() > 15_000
          || !Set.of("", "P1", "P2", "P3", "P4", "P5").contains(doc.path("priority").asText(""))) {
        return "{\"message\":\"Request body is not processable\"}";
      }
      return null;
    }
    if (r.path().startsWith("/v2/alerts/") && r.path().endsWith("/close") && "identifierType=alias".equals(r.query())) {
      return null;
    }
    return "unknown path " + r.path() + "?" + r.query();
  }

  /** Teams Workflows webhook: a message with one Adaptive Card attachment, under 28 KB. */
  public static String teams(Request r) {
    String wrong = json(r);
    if (wrong != null) {
      return wrong;
    }
    JsonNode doc = r.json();
    JsonNode card = doc.path("attachments").path(0);
    if (!"message".equals(doc.path("type").asText()) || r.body().length > 28_000
        || !"application/vnd.microsoft.card.adaptive".equals(card.path("contentType").asText())
        || !"AdaptiveCard".equals(card.path("content").path("type").asText())
        || !card.path("content").path("body").isArray()) {
      return "invalid Adaptive Card message";
    }
    return null;
  }

  /** Discord webhooks: content or embeds; title 256, description 4,096, 6,000 in all. */
  public static String discord(Request r) {
    String wrong = json(r);
    if (wrong != null) {
      return wrong;
    }
    JsonNode doc = r.json();
    JsonNode embeds = doc.path("embeds");
    if (doc.path("content").asText().isEmpty() && (!embeds.isArray() || embeds.isEmpty() || embeds.size() > 10)) {
      return "{\"message\": \"Cannot send an empty message\", \"code\": 50006}";
    }
    int total = 0;
    for (JsonNode e : embeds) {
      String title = e.path("title").asText();
      String description = e.path("description").asText();
      if (title.length() > 256 || description.length() > 4096) {
        return "{\"message\": \"Invalid Form Body\", \"code\": 50035}";
      }
      total += title.length() + description.length() + e.path("footer").path("text").asText().length();
    }
    return total > 6000 ? "{\"message\": \"Invalid Form Body\", \"code\": 50035}" : null;
  }

  /** Telegram Bot API sendMessage: the token in the path, chat_id, text of 1 to 4,096 characters. */
  public static String telegram(Request r, String token) {
    String wrong = json(r);
    if (wrong != null) {
      return wrong;
    }
    if (!r.path().equals("/bot" + token + "/sendMessage")) {
      return "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}";
    }
    JsonNode doc = r.json();
    String text = doc.path("text").asText();
    if (doc.path("chat_id").asText().isEmpty() || text.isEmpty() || text.length() > 4096) {
      return "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message text is empty or too long\"}";
    }
    return null;
  }

  /** ntfy: a POST to the topic, the message as body, the token as a bearer. */
  public static String ntfy(Request r, String topic, String token) {
    if (!"POST".equals(r.method()) || !r.path().equals("/" + topic)) {
      return "{\"code\":40401,\"error\":\"page not found\"}";
    }
    if (token != null && !("Bearer " + token).equals(r.header("Authorization"))) {
      return "{\"code\":40301,\"error\":\"forbidden\"}";
    }
    return r.body().length == 0 || r.body().length > 4096 ? "{\"code\":40001,\"error\":\"invalid request\"}" : null;
  }
}
