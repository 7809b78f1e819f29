package dev.quorumwatch.node.probe;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.proto.HttpProbe;
import java.io.IOException;
import com.google.re2j.Pattern;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The body checks of an HTTP probe: contains, regex, and a JSON field's value. */
final class BodyCheck {
  /** Only this much of a body is read for checks; health endpoints are small. */
  static final int BODY_MAX_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PATTERNS_MAX = 1024;
  /**
   * Compiled body patterns, bounded (least recently used go). RE2/J: matching is linear in
   * the body, so no pattern in a monitors file can hold the probe thread.
   */
  private static final Map<String, Pattern> PATTERNS = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
          return size() > PATTERNS_MAX;
        }
      });

  private BodyCheck() {}

  static boolean needsBody(HttpProbe spec) {
    return !spec.getBodyContains().isEmpty() || !spec.getBodyRegex().isEmpty() || !spec.getJsonPointer().isEmpty();
  }

  /** Null when every check passes, else what did not match (short, for the failure detail). */
  static String mismatch(HttpProbe spec, String body) {
    if (!spec.getBodyContains().isEmpty() && !body.contains(spec.getBodyContains())) {
      return "body does not contain '" + spec.getBodyContains() + "'";
    }
    if (!spec.getBodyRegex().isEmpty()
        && !PATTERNS.computeIfAbsent(spec.getBodyRegex(), Pattern::compile).matcher(body).find()) {
      return "body does not match /" + spec.getBodyRegex() + "/";
    }
    if (!spec.getJsonPointer().isEmpty()) {
      JsonNode at;
      try {
        at = JSON.readTree(body).at(JsonPointer.compile(spec.getJsonPointer()));
      } catch (IOException | IllegalArgumentException e) {
        return "body is not JSON";
      }
      String actual = at.isMissingNode() ? null : at.isValueNode() ? at.asText() : at.toString();
      if (!spec.getJsonEquals().equals(actual)) {
        return "json " + spec.getJsonPointer() + " is " + (actual == null ? "missing" : "'" + abbreviate(actual) + "'")
            + ", expected '" + spec.getJsonEquals() + "'";
      }
    }
    return null;
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
