package dev.quorumwatch.node.auth;

/** A configured API token: who it is, what it may do, and only the SHA-256 of its value. */
public record ApiToken(String name, Role role, byte[] sha256) {
  /** {@code read}: every query and stream; {@code admin}: also every call that changes the cluster. */
  public enum Role { READ, ADMIN }
}
