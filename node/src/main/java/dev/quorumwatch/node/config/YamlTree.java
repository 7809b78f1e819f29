package dev.quorumwatch.node.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict view of a YAML document that knows where it is: every error names the file,
 * the field path ({@code targets[2].interval}) and what was expected.
 */
public final class YamlTree {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final String file;
  private final String path;
  private final JsonNode node;

  private YamlTree(String file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  public static YamlTree parse(String file, String text) throws ConfigException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
      throw new ConfigException(file + ": not valid YAML: " + reason
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException(file + ": the file is empty");
    }
    YamlTree tree = new YamlTree(file, "", root);
    tree.requireObject();
    return tree;
  }

  public ConfigException error(String expectation) {
    return new ConfigException(file + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + expectation);
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private void requireObject() throws ConfigException {
    if (!node.isObject()) {
      throw error("expected a mapping of keys to values");
    }
  }

  /** Fails on the first key not in {@code known}, so a typo never silently falls back to a default. */
  public YamlTree onlyKeys(Set<String> known) throws ConfigException {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new YamlTree(file, childPath(name), node.get(name))
            .error("unknown key (expected one of " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
    return this;
  }

  public boolean has(String key) {
    JsonNode child = node.get(key);
    return child != null && !child.isNull();
  }

  public YamlTree child(String key) throws ConfigException {
    if (!has(key)) {
      throw new YamlTree(file, childPath(key), null).error("missing required field");
    }
    return new YamlTree(file, childPath(key), node.get(key));
  }

  public YamlTree object(String key) throws ConfigException {
    YamlTree child = child(key);
    child.requireObject();
    return child;
  }

  public List<YamlTree> list(String key) throws ConfigException {
    YamlTree child = child(key);
    if (!child.node.isArray()) {
      throw child.error("expected a list");
    }
    List<YamlTree> items = new ArrayList<>();
    for (int i = 0; i < child.node.size(); i++) {
      items.add(new YamlTree(file, child.path + "[" + i + "]", child.node.get(i)));
    }
    return items;
  }

  public String string(String key) throws ConfigException {
    return child(key).asString();
  }

  public String string(String key, String fallback) throws ConfigException {
    return has(key) ? string(key) : fallback;
  }

  public String asString() throws ConfigException {
    if (!node.isTextual() && !node.isNumber() && !node.isBoolean()) {
      throw error("expected a text value");
    }
    String s = node.asText();
    if (s.isBlank()) {
      throw error("expected a non-empty value");
    }
    return s;
  }

  public int integer(String key, int fallback, int min, int max) throws ConfigException {
    if (!has(key)) {
      return fallback;
    }
    return child(key).asInt(min, max);
  }

  public int asInt(int min, int max) throws ConfigException {
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw error("expected a whole number from " + min + " to " + max + ", got '" + node.asText() + "'");
    }
    int v = node.asInt();
    if (v < min || v > max) {
      throw error("expected a whole number from " + min + " to " + max + ", got " + v);
    }
    return v;
  }

  public long durationMs(String key, long fallbackMs) throws ConfigException {
    return duration(key, fallbackMs, false);
  }

  /** Like {@link #durationMs} but {@code 0s} is allowed (for "no wait"). */
  public long durationOrZeroMs(String key, long fallbackMs) throws ConfigException {
    return duration(key, fallbackMs, true);
  }

  private long duration(String key, long fallbackMs, boolean zeroAllowed) throws ConfigException {
    if (!has(key)) {
      return fallbackMs;
    }
    YamlTree child = child(key);
    long ms = child.node.isTextual() ? Durations.parseMs(child.node.asText()) : -1;
    if (ms < 0 || (ms == 0 && !zeroAllowed)) {
      throw child.error("expected a " + (zeroAllowed ? "" : "positive ")
          + "duration such as 500ms, 10s or 2m (at most 3650d), got '" + child.node.asText() + "'");
    }
    return ms;
  }

  public boolean bool(String key, boolean fallback) throws ConfigException {
    if (!has(key)) {
      return fallback;
    }
    YamlTree child = child(key);
    if (!child.node.isBoolean()) {
      throw child.error("expected true or false, got '" + child.node.asText() + "'");
    }
    return child.node.asBoolean();
  }

  /** A list of text values ({@code [a, b]}); empty when the key is absent. */
  public List<String> strings(String key) throws ConfigException {
    List<String> out = new ArrayList<>();
    if (has(key)) {
      for (YamlTree item : list(key)) {
        out.add(item.asString());
      }
    }
    return out;
  }

  /** A file or directory, relative to {@code base} unless absolute. */
  public Path path(String key, Path base) throws ConfigException {
    return child(key).asPath(base);
  }

  /** This value as a path, relative to {@code base} unless absolute. */
  public Path asPath(Path base) throws ConfigException {
    String text = asString();
    try {
      return base.resolve(text).normalize();
    } catch (InvalidPathException e) {
      throw error("expected a file path, got '" + text.replace("\u0000", "\\0") + "' (" + e.getReason() + ")");
    }
  }

  /** A {@code host:port} address. */
  public HostPort address(String key) throws ConfigException {
    YamlTree child = child(key);
    HostPort hp = HostPort.parse(child.asString());
    if (hp == null) {
      throw child.error("expected host:port with a port from 1 to 65535, got '" + child.node.asText() + "'");
    }
    return hp;
  }

  public Map<String, String> stringMap(String key) throws ConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    if (!has(key)) {
      return out;
    }
    YamlTree child = object(key);
    Iterator<String> names = child.node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      out.put(name, new YamlTree(file, child.childPath(name), child.node.get(name)).asString());
    }
    return out;
  }

  public String path() {
    return path;
  }

  public boolean isText() {
    return node.isTextual();
  }
}
