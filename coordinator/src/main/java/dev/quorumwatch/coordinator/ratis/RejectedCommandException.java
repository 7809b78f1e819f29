package dev.quorumwatch.coordinator.ratis;

/**
 * An operator's command the leader refused before appending it to the log: it would have been
 * rejected when applied. The message says why, as a rejection at apply would.
 */
public final class RejectedCommandException extends Exception {
  public RejectedCommandException(String problem) {
    super(problem);
  }
}
