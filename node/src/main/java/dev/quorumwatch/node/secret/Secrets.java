package dev.quorumwatch.node.secret;

import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets by reference: {@code ${NAME}} stands for this node's environment variable NAME and
 * {@code ${file:/path}} for the contents of a file on this node (trailing newline dropped).
 * A monitors file holds only the references, so the replicated state, backups and every
 * answer of the API hold no secret; each node looks the value up when it sends a request,
 * within what its node.yaml allows ({@link SecretAllowance}). Errors name the variable or
 * file, never a value.
 */
public final class Secrets {
  /** A reference, as the monitors-file parser accepts it. */
  public static final Pattern REFERENCE = Pattern.compile("\\$\\{(?:file:([^}]+)|([A-Za-z_][A-Za-z0-9_]*))}");
  /** Keys, tokens, passwords and URLs are small; a larger file is not a secret meant for us. */
  public static final long FILE_MAX_BYTES = 64 * 1024;

  private final UnaryOperator<String> env;
  private final SecretAllowance allowance;

  /** Whether {@code text} has a {@code ${} that does not start a well-formed reference. */
  public static boolean hasMalformedReference(String text) {
    return REFERENCE.matcher(text).replaceAll("").contains("${");
  }

  public Secrets(UnaryOperator<String> env, SecretAllowance allowance) {
    this.env = env;
    this.allowance = allowance;
  }

  /** With the default allowance ({@code QW_*} and {@code QUORUMWATCH_*} variables, no files). */
  public Secrets(UnaryOperator<String> env) {
    this(env, SecretAllowance.DEFAULT);
  }

  /** This process's environment and files, as node.yaml allows. */
  public static Secrets ofThisNode(SecretAllowance allowance) {
    return new Secrets(System::getenv, allowance);
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
    if (!allowance.allowsVariable(name)) {
      throw new IllegalArgumentException("environment variable " + name + " is not allowed by node.yaml "
          + allowance.describe());
    }
    String value = env.apply(name);
    if (value == null) {
      throw new IllegalArgumentException("environment variable " + name + " is not set on this node");
    }
    return value;
  }

  /**
   * The contents of {@code path} on this node, without the trailing newline: a regular file of
   * at most {@link #FILE_MAX_BYTES}, within an allowed directory once links are followed.
   */
  public String file(String path) {
    if (!allowedFile(path)) {
      throw new IllegalArgumentException("secret file " + path + " is not allowed by node.yaml " + allowance.describe());
    }
    try {
      Path real = Path.of(path).toRealPath();
      if (!allowance.allowsFile(real) && !allowance.dirs().stream().anyMatch(d -> startsWithReal(real, d))) {
        throw new IllegalArgumentException("secret file " + path + " leads outside node.yaml's secrets.dirs");
      }
      if (!Files.isRegularFile(real)) {
        throw new IllegalArgumentException("secret file " + path + " is not a regular file");
      }
      long size = Files.size(real);
      if (size > FILE_MAX_BYTES) {
        throw new IllegalArgumentException("secret file " + path + " has " + size + " bytes, at most " + FILE_MAX_BYTES);
      }
      return new String(Files.readAllBytes(real), StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("secret file " + path + " cannot be read on this node ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private boolean allowedFile(String path) {
    try {
      return Path.of(path).isAbsolute() && allowance.allowsFile(Path.of(path));
    } catch (InvalidPathException notAPath) {
      return false;
    }
  }

  private static boolean startsWithReal(Path real, Path dir) {
    try {
      return real.startsWith(dir.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The first reference in a monitors file that this node's allowance does not cover, said
   * by name; null when all are covered. {@code text} is the file as written (every
   * {@code ${...}} in it counts), {@code spec} what it was read into (webhook
   * {@code secret_env}/{@code secret_file}).
   */
  public String disallowedReference(String text, MonitorsSpec spec) {
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) {
      boolean allowed = m.group(1) != null ? allowedFile(m.group(1)) : allowance.allowsVariable(m.group(2));
      if (!allowed) {
        return m.group() + " is not allowed by node.yaml " + allowance.describe();
      }
    }
    for (ReceiverSpec r : spec.getReceiversList()) {
      String name = r.getWebhook().getSecretEnv();
      if (!name.isEmpty() && !allowance.allowsVariable(name)) {
        return "receiver " + r.getId() + ": secret_env " + name + " is not allowed by node.yaml " + allowance.describe();
      }
      String path = r.getWebhook().getSecretFile();
      if (!path.isEmpty() && !allowedFile(path)) {
        return "receiver " + r.getId() + ": secret_file " + path + " is not allowed by node.yaml " + allowance.describe();
      }
    }
    return null;
  }
}
