package dev.quorumwatch.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeLaunchTest {
  @Test
  void extraJvmOptionsAreTheVariableSplitOnWhitespace() {
    assertThat(NodeLaunch.extraJvmOptions(null)).isEmpty();
    assertThat(NodeLaunch.extraJvmOptions("  ")).isEmpty();
    assertThat(NodeLaunch.extraJvmOptions(" -Xmn16m\t-XX:MaxHeapFreeRatio=30 ")).containsExactly("-Xmn16m",
        "-XX:MaxHeapFreeRatio=30");
  }
}
