package dev.quorumwatch.node.secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets by reference: {@code ${NAME}} stands for this node's environment variable NAME and
 * {@code ${file:/path}} for the contents of a file on this node (trailing newline dropped).
 * A monitors file holds only the references, so the replicated state, backups and every
 * answer of the API hold no secret; each node looks the value up when it sends a request.
 * Errors name the variable or file, never a value.
 */
public final class Secrets {
  /** A reference, as the monitors-file parser accepts it. */
  public static final Pattern REFERENCE = Pattern.compile("\\$\\{(?:file:([^}]+)|([A-Za-z_][A-Za-z0-9_]*))}");

  private final UnaryOperator<String> env;

  /** Whether {@code text} has a {@code ${} that does not start a well-formed reference. */
  public static boolean hasMalformedReference(String text) {
    return REFERENCE.matcher(text).replaceAll("").contains("${");
  }

  public Secrets(UnaryOperator<String> env) {
    this.env = env;
  }

  /** This process's environment and files. */
  public static Secrets ofThisNode() {
    return new Secrets(System::getenv);
  }

  /** {@code text} with every reference replaced; an unset variable or unreadable file is an error. */
  public String expand(String text) {
    if (text.indexOf("${") < 0) {
      return text;
    }
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) != null ? file(m.group(1)) : variable(m.group(2))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The value of environment variable {@code name} on this node. */
  public String variable(String name) {
    String value = env.apply(name);
    if (value == null) {
      throw new IllegalArgumentException("environment variable " + name + " is not set on this node");
    }
    return value;
  }

  /** The contents of {@code path} on this node, without the trailing newline. */
  public static String file(String path) {
    try {
      return Files.readString(Path.of(path)).stripTrailing();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("secret file " + path + " cannot be read on this node ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
