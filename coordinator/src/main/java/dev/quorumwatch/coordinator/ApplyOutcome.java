package dev.quorumwatch.coordinator;

import dev.quorumwatch.proto.Event;
import java.util.List;

/**
 * The result of applying one command: accepted or not, and what changed, as data.
 * {@code internalError}: the command was valid but applying it threw (a bug, met the same way
 * on every replica); the replicas go on, and each logs it.
 */
public record ApplyOutcome(boolean accepted, String error, List<Event> events, String createdId,
    boolean internalError) {
  public static ApplyOutcome accepted(List<Event> events, String createdId) {
    return new ApplyOutcome(true, "", events, createdId, false);
  }

  public static ApplyOutcome rejected(String error) {
    return new ApplyOutcome(false, error, List.of(), "", false);
  }

  static ApplyOutcome failedInternally(String error) {
    return new ApplyOutcome(false, error, List.of(), "", true);
  }
}
