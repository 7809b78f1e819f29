package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteState;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the trace files in {@code src/test/resources/scenarios}: each line is a command
 * for the coordinator or an expectation about its state. See {@code README.md} there.
 */
class ScenarioTest {
  @TestFactory
  Stream<DynamicTest> scenarios() throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/scenarios").toURI());
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
  }

  private static void run(Path file) throws IOException {
    Coordinator c = new Coordinator();
    long now = 0;
    long index = 0;
    List<String> lines = Files.readAllLines(file);
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] w = line.split("\\s+");
      String where = file.getFileName() + ":" + (n + 1) + " '" + line + "'";
      switch (w[0]) {
        case "cluster" -> {
          int quorum = Integer.parseInt(value(w[1], "quorum"));
          long stale = ms(value(w[2], "stale"));
          c.apply(++index, Commands.cluster(now, quorum, stale, Arrays.copyOfRange(w, 3, w.length)));
        }
        case "monitors" -> c.apply(++index, Commands.apply(now, Commands.monitors(
            List.of(value(w[1], "targets").split(",")), List.of(value(w[2], "receivers").split(",")))));
        case "advance" -> now += ms(w[1]);
        case "tick" -> c.apply(++index, Commands.tick(now));
        case "report" -> {
          boolean full = w.length > 2 && w[2].equals("full");
          Map<String, VoteState> votes = new LinkedHashMap<>();
          for (int i = full ? 3 : 2; i < w.length; i++) {
            String[] kv = w[i].split("=");
            votes.put(kv[0], switch (kv[1]) {
              case "up" -> VoteState.VOTE_UP;
              case "down" -> VoteState.VOTE_DOWN;
              case "slow" -> VoteState.VOTE_SLOW;
              case "none" -> VoteState.VOTE_UNSPECIFIED;
              default -> throw new IllegalArgumentException(where + ": vote must be up, down or slow");
            });
          }
          c.apply(++index, Commands.report(now, w[1], full, votes));
        }
        case "deliver" -> {
          List<String> ids = new ArrayList<>();
          c.pendingNotifications().forEach(p -> ids.add(p.getId()));
          c.apply(++index, Commands.delivered(now, ids.toArray(String[]::new)));
        }
        case "expect" -> expect(c, w, where);
        default -> throw new IllegalArgumentException(where + ": unknown command");
      }
    }
  }

  private static void expect(Coordinator c, String[] w, String where) {
    switch (w[1]) {
      case "verdict" -> assertThat(c.verdictOf(w[2])).as(where).isEqualTo(Verdict.valueOf("VERDICT_" + w[3]));
      case "open-incidents" -> assertThat(c.incidents.openIncidents()).as(where).hasSize(Integer.parseInt(w[2]));
      case "incidents" -> assertThat(c.incidents()).as(where).hasSize(Integer.parseInt(w[2]));
      case "regions" -> {
        Incident open = c.incidents.openIncidents().stream().filter(i -> i.getTargetId().equals(w[2])).findFirst().orElseThrow();
        assertThat(open.getRegionsList()).as(where).containsExactly(Arrays.copyOfRange(w, 3, w.length));
      }
      case "outbox" -> {
        List<String> got = new ArrayList<>();
        for (Notification p : c.pendingNotifications()) {
          got.add(p.getReceiverId() + ":" + p.getStatus() + ":"
              + String.join("+", p.getAlertsList().stream().map(a -> a.getTargetId()).toList()));
        }
        assertThat(got).as(where).containsExactly(Arrays.copyOfRange(w, 2, w.length));
      }
      default -> throw new IllegalArgumentException(where + ": unknown expectation");
    }
  }

  private static String value(String word, String key) {
    if (!word.startsWith(key + "=")) {
      throw new IllegalArgumentException("expected " + key + "=..., got " + word);
    }
    return word.substring(key.length() + 1);
  }

  private static long ms(String duration) {
    if (duration.endsWith("ms")) {
      return Long.parseLong(duration.substring(0, duration.length() - 2));
    }
    if (duration.endsWith("s")) {
      return 1000 * Long.parseLong(duration.substring(0, duration.length() - 1));
    }
    return Long.parseLong(duration);
  }
}
