package dev.quorumwatch.node.receiver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.outbound.RetryAfter;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.MessageTemplates;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/** What the kinds' parsers and senders share: URLs and secrets by reference, templates, JSON. */
public final class KindFields {
  public static final ObjectMapper JSON = new ObjectMapper();

  private KindFields() {}

  /**
   * An http(s) URL, which may hold secrets by reference (a Slack-style URL whose path is the
   * secret: {@code https://hooks.example.com/services/${HOOK_PATH}}, or {@code ${file:/path}}
   * for the whole URL). What is written outside the references must still make a URL.
   */
  public static String url(YamlTree block, String key, String fallback) throws ConfigException {
    if (!block.has(key)) {
      if (fallback == null) {
        throw block.child(key).error("missing required field");
      }
      return fallback;
    }
    String url = block.string(key);
    if (Secrets.hasMalformedReference(url)) {
      throw block.child(key).error("expected ${NAME} (an environment variable) or ${file:/path} in a reference");
    }
    String filled = Secrets.REFERENCE.matcher(url).replaceAll("x");
    if (!url.startsWith("${") && !isHttpUrl(filled)) {
      throw block.child(key).error("expected an http:// or https:// URL, got '" + url + "'");
    }
    return url;
  }

  /** Whether {@code url} is an absolute http or https URL with a host. */
  public static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * A secret (a key, a token, a password): only as references, so it never enters the
   * replicated state, a backup or an answer of the API. Empty when optional and absent.
   */
  public static String secret(YamlTree block, String key, boolean required) throws ConfigException {
    if (!block.has(key)) {
      if (required) {
        throw block.child(key).error("missing required field");
      }
      return "";
    }
    YamlTree field = block.child(key);
    String value = field.asString();
    if (Secrets.hasMalformedReference(value) || !Secrets.REFERENCE.matcher(value).find()) {
      throw field.error("expected a reference such as ${QW_SECRET} (an environment variable on every node) or"
          + " ${file:/path}: a secret is never written into the monitors file");
    }
    return value;
  }

  /** {@code title}/{@code text}/{@code html} templates from the keys given (null: not offered). */
  public static MessageTemplates templates(YamlTree block, String titleKey, String textKey, String htmlKey)
      throws ConfigException {
    MessageTemplates.Builder t = MessageTemplates.newBuilder();
    t.setTitle(template(block, titleKey));
    t.setText(template(block, textKey));
    if (htmlKey != null) {
      t.setHtml(template(block, htmlKey));
    }
    return t.build();
  }

  private static String template(YamlTree block, String key) throws ConfigException {
    if (!block.has(key)) {
      return "";
    }
    String template = block.string(key);
    String problem = TemplateRenderer.problem(template);
    if (problem != null) {
      throw block.child(key).error(problem);
    }
    return template;
  }

  public static byte[] bytes(ObjectNode json) {
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code text} cut to {@code max} characters (with an ellipsis), for services' field limits. */
  public static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Math.max(0, max - 1);
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split an emoji
    }
    return text.substring(0, end) + "…";
  }

  /**
   * The wait a JSON answer asks for in {@code field} (seconds, maybe fractional), at its top
   * level or under {@code parameters} (Telegram's place); 0 when absent or unreadable.
   */
  public static long retryAfterInBody(String json, String field) {
    try {
      JsonNode doc = JSON.readTree(json);
      JsonNode seconds = doc.has(field) ? doc.get(field) : doc.path("parameters").path(field);
      return seconds.isNumber() ? Math.min(RetryAfter.MAX_MS, Math.max(0, (long) (seconds.asDouble() * 1000))) : 0;
    } catch (JsonProcessingException | RuntimeException unreadable) {
      return 0;
    }
  }

  /** {@code base} and {@code path} joined with exactly one slash. */
  public static String join(String base, String path) {
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + (path.startsWith("/") ? path : "/" + path);
  }
}
