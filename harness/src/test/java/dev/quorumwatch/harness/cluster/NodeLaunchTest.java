package dev.quorumwatch.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NodeLaunchTest {
  @Test
  void extraJvmOptionsAreTheVariableSplitOnWhitespace() {
    assertThat(NodeLaunch.extraJvmOptions(null)).isEmpty();
    assertThat(NodeLaunch.extraJvmOptions("  ")).isEmpty();
    assertThat(NodeLaunch.extraJvmOptions(" -Xmn16m\t-XX:MaxHeapFreeRatio=30 ")).containsExactly("-Xmn16m",
        "-XX:MaxHeapFreeRatio=30");
  }

  @Test
  void extraOptionsComeAfterTheDefaultsSoTheyWinAndBeforeTheMainClass() {
    NodeLaunch launch = new NodeLaunch();
    launch.arguments.add("--election-timeout=1s");
    List<String> command = launch.command(Path.of("n1.yaml"), true, "-Xmn16m -Xmx64m");

    int defaultHeap = command.indexOf("-Xmx192m");
    int extraHeap = command.indexOf("-Xmx64m");
    int classPath = command.indexOf("-cp");
    assertThat(command.subList(1, 1 + NodeLaunch.JVM_OPTIONS.size())).isEqualTo(NodeLaunch.JVM_OPTIONS);
    assertThat(defaultHeap).isPositive().isLessThan(extraHeap);
    assertThat(command.indexOf("-Xmn16m")).isLessThan(extraHeap);
    assertThat(extraHeap).isLessThan(classPath);
    assertThat(command.subList(classPath + 2, command.size())).containsExactly("dev.quorumwatch.node.cli.Main", "node",
        "--config", "n1.yaml", "--election-timeout=1s", "--join");
    assertThat(launch.command(Path.of("n1.yaml"), false, null)).doesNotContain("-Xmx64m", "--join");
  }

  /** What the tests and benchmarks measure is what `bin/quorumwatch node` runs. */
  @Test
  void theLauncherScriptStartsANodeWithTheSameJvmOptions() throws IOException {
    String script = Files.readString(Path.of("..", "bin", "quorumwatch"));
    Matcher block = Pattern.compile("\\n\\s*opts=\\(([^)]+)\\)").matcher(script);
    assertThat(block.find()).as("an opts=( ... ) block in bin/quorumwatch").isTrue();
    List<String> scriptOptions = List.of(block.group(1).strip().split("\\s+"));
    assertThat(scriptOptions).isEqualTo(NodeLaunch.JVM_OPTIONS);
  }
}
