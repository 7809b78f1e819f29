package dev.quorumwatch.node.config;

/** A configuration problem, already phrased for the operator: file, field path, expectation. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
