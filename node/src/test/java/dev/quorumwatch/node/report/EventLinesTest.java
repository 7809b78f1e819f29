package dev.quorumwatch.node.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.Events;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLinesTest {
  static final long STARTED = 1_000_000;

  private static Event verdict(long atMs, String target) {
    return Events.of(EventKind.EVENT_KIND_VERDICT, atMs).setTargetId(target).setIncidentId("g1")
        .setPreviousVerdict(Verdict.VERDICT_UP).setVerdict(Verdict.VERDICT_DOWN).setMessage("3/3 down").build();
  }

  @Test
  void oneLinePerMeaningfulEvent() {
    EventLines lines = new EventLines("us-west", STARTED);
    assertThat(lines.lines(List.of(verdict(STARTED + 5, "api"),
        Events.of(EventKind.EVENT_KIND_NOTIFICATION_QUEUED, STARTED + 5).build(),
        Events.of(EventKind.EVENT_KIND_INCIDENT_OPENED, STARTED + 5).setTargetId("api").setIncidentId("g1")
            .setMessage("api down").build())))
        .containsExactly("verdict changed node=us-west target=api from=UP to=DOWN incident=g1 votes=\"3/3 down\"",
            "incident opened node=us-west target=api incident=g1 \"api down\"");
  }

  @Test
  void eventsFromBeforeTheStartAreCountedOnceInsteadOfLoggedAgain() {
    EventLines lines = new EventLines("us-east", STARTED);
    assertThat(lines.lines(List.of(verdict(STARTED - 60_000, "api")))).isEmpty();
    assertThat(lines.lines(List.of(verdict(STARTED - 30_000, "web"),
        Events.of(EventKind.EVENT_KIND_NOTIFICATION_QUEUED, STARTED - 1).build()))).isEmpty();
    assertThat(lines.lines(List.of(verdict(STARTED + 10, "db"))))
        .containsExactly("events from before this start not logged again node=us-east events=2"
                + " (the log replayed since the last snapshot, or this node catching up)",
            "verdict changed node=us-east target=db from=UP to=DOWN incident=g1 votes=\"3/3 down\"");
    assertThat(lines.lines(List.of(verdict(STARTED + 20, "db")))).hasSize(1);
  }
}
