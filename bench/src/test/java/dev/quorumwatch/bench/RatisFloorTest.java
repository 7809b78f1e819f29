package dev.quorumwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The baseline of `bench capacity --ratis-floor`: a real three-server Ratis group, briefly. */
class RatisFloorTest {
  @Test
  void threeBareServersCommitTheirWritesAndAreMeasuredAndStopped() throws Exception {
    // Older than a bare node gets before its first commits (~3 s): the wait for that age is real.
    RatisFloor.Floor floor = RatisFloor.measure(400, 200, 6_000, 1_000);

    assertThat(floor.ageAtWindowMs()).as("process age when the window began").isGreaterThanOrEqualTo(6_000L);
    assertThat(floor.nodes()).hasSize(RatisFloor.NODES).allSatisfy(node -> {
      // each state machine applies the group's writes, at least one a node
      assertThat(node.applied()).isGreaterThanOrEqualTo(RatisFloor.NODES);
      assertThat(node.rssMib()).as("RSS, from /proc").isGreaterThan(20);
      assertThat(node.cpuPercentOfOneCore()).isPositive();
    });
    assertThat(ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(BareRatisNode.class.getName()))
        .filter(ProcessHandle::isAlive))
        .as("bare Ratis processes left running").isEmpty();
  }

  /** `--floor-write-every 1h`: the group starts on each server's first write and then writes nothing more. */
  @Test
  void aLongWriteIntervalLeavesOnlyTheFirstWrites() throws Exception {
    RatisFloor.Floor floor = RatisFloor.measure(400, 3_600_000, 0, 2_000);

    assertThat(floor.nodes()).hasSize(RatisFloor.NODES)
        .allSatisfy(node -> assertThat(node.applied()).isEqualTo(RatisFloor.NODES));
  }
}
