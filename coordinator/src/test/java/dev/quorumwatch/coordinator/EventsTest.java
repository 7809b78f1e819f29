package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.EventKind;
import org.junit.jupiter.api.Test;

class EventsTest {
  @Test
  void theStringKindIsTheTypesShortNameSoOlderClientsReadTheSameEvents() {
    Event e = Events.of(EventKind.EVENT_KIND_INCIDENT_OPENED, 42).build();
    assertThat(e.getType()).isEqualTo(EventKind.EVENT_KIND_INCIDENT_OPENED);
    assertThat(e.getKind()).isEqualTo("incident_opened");
    assertThat(e.getAtMs()).isEqualTo(42);
    assertThat(Events.kindName(EventKind.EVENT_KIND_NOTIFICATION_QUEUED)).isEqualTo("notification_queued");
  }
}
