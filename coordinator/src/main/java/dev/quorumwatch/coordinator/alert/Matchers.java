package dev.quorumwatch.coordinator.alert;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.quorumwatch.proto.Matcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager-style label matchers: {@code name=value}, {@code !=}, {@code =~} and
 * {@code !~} (regular expressions anchored to the whole value). A missing label matches as
 * the empty string, as in Alertmanager.
 *
 * <p>Matchers run inside apply, on every replica, over operator input (silences, routes,
 * maintenance windows): regular expressions use RE2/J, whose matching time is linear in the
 * input whatever the pattern (no backreferences or lookaround, as in Alertmanager's Go
 * regexps), and patterns, values and the number of matchers are bounded.
 */
public final class Matchers {
  public static final int MAX_MATCHERS = 32;
  public static final int MAX_VALUE_CHARS = 1024;
  private static final int COMPILED_MAX = 1024;
  /** Compiled patterns, most recently used kept; bounded, and only touched under apply's lock. */
  private static final Map<String, Pattern> COMPILED = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
      return size() > COMPILED_MAX;
    }
  };
  private static final java.util.regex.Pattern TEXT = java.util.regex.Pattern.compile(
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
    synchronized (COMPILED) {
      return COMPILED.computeIfAbsent(regex, Pattern::compile);
    }
  }

  /** Returns null when every matcher is usable, else what is wrong with the first bad one. */
  public static String problem(List<Matcher> matchers) {
    if (matchers.size() > MAX_MATCHERS) {
      return "at most " + MAX_MATCHERS + " matchers, got " + matchers.size();
    }
    for (Matcher m : matchers) {
      if (m.getName().isEmpty() || m.getName().length() > MAX_VALUE_CHARS) {
        return "a matcher needs a label name of at most " + MAX_VALUE_CHARS + " characters";
      }
      if (m.getValue().length() > MAX_VALUE_CHARS) {
        return "the value for label " + m.getName() + " has " + m.getValue().length() + " characters, at most "
            + MAX_VALUE_CHARS;
      }
      if (m.getOp() == Matcher.Op.REGEX || m.getOp() == Matcher.Op.NOT_REGEX) {
        try {
          Pattern.compile(m.getValue());
        } catch (PatternSyntaxException e) {
          return "bad regular expression '" + m.getValue() + "' for label " + m.getName() + " (RE2 syntax: "
              + e.getDescription() + ")";
        }
      }
    }
    return null;
  }

  /** Parses {@code service=api}, {@code team!~"core|edge"}; throws with the reason on bad text. */
  public static Matcher parse(String text) {
    if (text.length() > 2 * MAX_VALUE_CHARS) {
      throw new IllegalArgumentException("expected a matcher of at most " + 2 * MAX_VALUE_CHARS + " characters, got "
          + text.length());
    }
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
