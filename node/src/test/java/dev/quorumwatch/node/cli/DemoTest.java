package dev.quorumwatch.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quorumwatch demo} as a user runs it: type down, see the page; type up, see it resolve; stop, nothing left. */
class DemoTest {
  @Test
  void theDemoPagesOnDownResolvesOnUpAndStopsCleanly(@TempDir Path tmp) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    Path stderr = tmp.resolve("stderr.log");
    Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.quorumwatch.node.cli.Main", "demo", "--status-every", "2")
        .redirectError(stderr.toFile())
        .start();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      } catch (Exception ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      OutputStream stdin = demo.getOutputStream();
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.matches("demo-web\\s+UP\\s.*")));
      assertThat(String.join("\n", lines)).contains("type 'down' + Enter", "Ctrl-C");
      stdin.write("down\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains(">>> WEBHOOK") && l.contains("FIRING")));
      stdin.write("up\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains(">>> WEBHOOK") && l.contains("RESOLVED")));
    } finally {
      // SIGTERM takes the same shutdown path as Ctrl-C's SIGINT. (Process.destroy() would
      // also close our end of its stdout, losing what it prints while stopping.)
      demo.toHandle().destroy();
      assertThat(demo.waitFor(20, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
    }
    reader.join(5000);
    String output = String.join("\n", lines);
    assertThat(output).as(output).contains("demo stopped; nothing left running.");
    // Three nodes run in one process: each cluster event prints once, not once per node's log.
    assertThat(lines).as(output).filteredOn(l -> l.startsWith("event ") && l.contains("incident_opened")
        && l.contains("demo-web")).hasSize(1);
    assertThat(Files.readString(stderr)).as("the nodes' own INFO lines stay out without --verbose")
        .doesNotContain("incident opened").doesNotContain("verdict changed");
    Matcher dir = Pattern.compile("data in (\\S+) ").matcher(output);
    assertThat(dir.find()).isTrue();
    assertThat(Files.exists(Path.of(dir.group(1)))).as("the demo's data is removed").isFalse();
    assertThat(demo.descendants().filter(ProcessHandle::isAlive).count()).isZero();
  }
}
