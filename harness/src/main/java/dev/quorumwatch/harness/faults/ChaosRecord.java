package dev.quorumwatch.harness.faults;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quorumwatch.harness.targets.WebhookSink.Arrival;
import dev.quorumwatch.proto.Incident;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a chaos run's verdict rests on, kept beside the run's logs: the ground truth as
 * it was recorded, what the receiver got, and how the incidents ended. A two-hour soak can
 * then be judged again when the checker learns something, without running it again.
 *
 * @param incidents the run's TargetDown incidents at its end, warm-up ones left out
 */
public record ChaosRecord(ChaosChecker.Timing timing, int nodes, long originMs, long endMs, int leaderChanges,
    List<ChaosLog.Entry> journal, List<Arrival> arrivals, List<IncidentEnd> incidents) {
  /** The file name in the run's directory. */
  public static final String FILE = "chaos-record.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_DEFAULT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** An empty list is left out of the file, so it reads back as none. */
  public ChaosRecord {
    journal = journal == null ? List.of() : journal;
    arrivals = arrivals == null ? List.of() : arrivals;
    incidents = incidents == null ? List.of() : incidents;
  }

  /** How an incident stood at the end of the run: all the checker reads of it. */
  public record IncidentEnd(String id, String targetId, boolean open, long startedMs) {
    static IncidentEnd of(Incident i) {
      return new IncidentEnd(i.getId(), i.getTargetId(), i.getOpen(), i.getStartedMs());
    }

    Incident incident() {
      return Incident.newBuilder().setId(id).setTargetId(targetId).setOpen(open).setStartedMs(startedMs).build();
    }
  }

  static ChaosRecord of(ChaosChecker.Timing timing, ChaosLog log, long endMs, int leaderChanges, List<Arrival> arrivals,
      List<Incident> incidents) {
    return new ChaosRecord(timing, log.nodes(), log.originMs(), endMs, leaderChanges, log.journal(), arrivals,
        incidents.stream().map(IncidentEnd::of).toList());
  }

  /** The checker over this record, as the run's own was. */
  public ChaosChecker checker() {
    return new ChaosChecker(ChaosLog.replay(nodes, originMs, journal), timing, arrivals,
        incidents.stream().map(IncidentEnd::incident).toList(), endMs);
  }

  public void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), this);
  }

  public static ChaosRecord read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), ChaosRecord.class);
  }
}
