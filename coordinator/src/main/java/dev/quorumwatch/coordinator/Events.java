package dev.quorumwatch.coordinator;

import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.EventKind;
import java.util.Locale;

/** The one way an event is made, so its type and its older string kind never disagree. */
public final class Events {
  private static final String PREFIX = "EVENT_KIND_";

  private Events() {}

  public static Event.Builder of(EventKind type, long atMs) {
    return Event.newBuilder().setAtMs(atMs).setType(type).setKind(kindName(type));
  }

  /** {@code EVENT_KIND_INCIDENT_OPENED} → {@code incident_opened}: what the CLI and logs print. */
  public static String kindName(EventKind type) {
    return type.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
  }
}
