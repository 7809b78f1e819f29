package dev.quorumwatch.coordinator.alert;

import dev.quorumwatch.proto.Matcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Alertmanager-style label matchers: {@code name=value}, {@code !=}, {@code =~} and
 * {@code !~} (regular expressions anchored to the whole value). A missing label matches as
 * the empty string, as in Alertmanager.
 */
public final class Matchers {
  private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();
  private static final Pattern TEXT = Pattern.compile(
      "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(.*?))\\s*");

  private Matchers() {}

  public static boolean matchAll(List<Matcher> matchers, Map<String, String> labels) {
    for (Matcher m : matchers) {
      if (!matches(m, labels.getOrDefault(m.getName(), ""))) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(Matcher m, String value) {
    return switch (m.getOp()) {
      case EQUAL -> value.equals(m.getValue());
      case NOT_EQUAL -> !value.equals(m.getValue());
      case REGEX -> pattern(m.getValue()).matcher(value).matches();
      case NOT_REGEX -> !pattern(m.getValue()).matcher(value).matches();
      case UNRECOGNIZED -> false;
    };
  }

  private static Pattern pattern(String regex) {
    return COMPILED.computeIfAbsent(regex, Pattern::compile);
  }

  /** Returns null when every matcher is usable, else what is wrong with the first bad one. */
  public static String problem(List<Matcher> matchers) {
    for (Matcher m : matchers) {
      if (m.getName().isEmpty()) {
        return "a matcher without a label name";
      }
      if (m.getOp() == Matcher.Op.REGEX || m.getOp() == Matcher.Op.NOT_REGEX) {
        try {
          Pattern.compile(m.getValue());
        } catch (PatternSyntaxException e) {
          return "bad regular expression '" + m.getValue() + "' for label " + m.getName();
        }
      }
    }
    return null;
  }

  /** Parses {@code service=api}, {@code team!~"core|edge"}; throws with the reason on bad text. */
  public static Matcher parse(String text) {
    java.util.regex.Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a matcher like name=value, name!=value, name=~regex or name!~regex, got '"
          + text + "'");
    }
    Matcher.Op op = switch (m.group(2)) {
      case "=" -> Matcher.Op.EQUAL;
      case "!=" -> Matcher.Op.NOT_EQUAL;
      case "=~" -> Matcher.Op.REGEX;
      default -> Matcher.Op.NOT_REGEX;
    };
    String value = m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(4);
    Matcher parsed = Matcher.newBuilder().setName(m.group(1)).setOp(op).setValue(value).build();
    String problem = problem(List.of(parsed));
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return parsed;
  }

  public static String format(Matcher m) {
    String op = switch (m.getOp()) {
      case NOT_EQUAL -> "!=";
      case REGEX -> "=~";
      case NOT_REGEX -> "!~";
      default -> "=";
    };
    return m.getName() + op + "\"" + m.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
