package dev.quorumwatch.node.secret;

import java.nio.file.Path;
import java.util.List;

/**
 * node.yaml's {@code secrets}: which environment variables and which directories' files a
 * reference in a monitors file may read on this node. Whoever holds an admin token writes the
 * monitors file; without this, a header {@code ${AWS_SECRET_ACCESS_KEY}} or a
 * {@code ${file:/etc/shadow}} would send the node's own secrets to a target of their choice.
 * Defaults: variables named {@code QW_*} or {@code QUORUMWATCH_*}, no files.
 */
public record SecretAllowance(List<String> envPatterns, List<Path> dirs) {
  public static final SecretAllowance DEFAULT = new SecretAllowance(List.of("QW_*", "QUORUMWATCH_*"), List.of());

  public SecretAllowance {
    envPatterns = List.copyOf(envPatterns);
    dirs = dirs.stream().map(d -> d.toAbsolutePath().normalize()).toList();
  }

  /** An exact name, or a prefix ending in {@code *}. */
  public boolean allowsVariable(String name) {
    for (String pattern : envPatterns) {
      if (pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code path}, as written, lies within an allowed directory (links are checked when read). */
  public boolean allowsFile(Path path) {
    Path normalized = path.toAbsolutePath().normalize();
    return dirs.stream().anyMatch(normalized::startsWith);
  }

  /** What node.yaml says, for error messages. */
  public String describe() {
    return "secrets: {env: " + envPatterns + ", dirs: " + dirs + "}";
  }
}
