package dev.quorumwatch.coordinator;

import dev.quorumwatch.proto.Event;
import java.util.List;

/** The result of applying one command: accepted or not, and what changed, as data. */
public record ApplyOutcome(boolean accepted, String error, List<Event> events, String createdId) {
  static ApplyOutcome rejected(String error) {
    return new ApplyOutcome(false, error, List.of(), "");
  }
}
