package dev.quorumwatch.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.proto.CommandReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSettingsPublisherTest {
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final Coordinator state = new Coordinator();
  final AtomicInteger writes = new AtomicInteger();
  long index;

  /** Loses its first {@code lost} writes (a client replaced right after an election), then commits. */
  CommandSink sinkLosing(int lost) {
    return command -> {
      if (writes.incrementAndGet() <= lost) {
        return CompletableFuture.failedFuture(new IOException("client closed"));
      }
      synchronized (state) {
        state.apply(++index, command.toBuilder().setAtMs(1_000).build());
      }
      return CompletableFuture.completedFuture(CommandReply.newBuilder().setAccepted(true).build());
    };
  }

  ClusterSettingsPublisher publisher(NodeConfig config, CommandSink sink) {
    List<RaftMember> raftMembers = config.peers().stream()
        .map(p -> new RaftMember(p.id(), p.raft().toString())).toList();
    return new ClusterSettingsPublisher(config, () -> Optional.of(raftMembers), () -> {
      synchronized (state) {
        return state.clusterSettings();
      }
    }, () -> {
      synchronized (state) {
        return state.monitorsIndex() == 0;
      }
    }, sink, timer, 20);
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void lostWritesAreRetriedUntilTheSettingsAndTheMonitorsFileAreCommitted(@TempDir Path dir) throws Exception {
    Path monitors = Files.writeString(dir.resolve("monitors.yaml"), """
        targets:
          - {id: api, http: {url: "http://127.0.0.1:1/"}}
        """);
    NodeConfig config = NodeConfigLoader.parse(dir.resolve("node.yaml"), """
        node: {id: a, region: a, data_dir: ./data, listen: {raft: 127.0.0.1:9101, api: 127.0.0.1:9201, http: 127.0.0.1:9301}}
        cluster:
          id: demo
          peers:
            - {id: a, raft: 127.0.0.1:9101, api: 127.0.0.1:9201}
            - {id: b, raft: 127.0.0.1:9102, api: 127.0.0.1:9202}
            - {id: c, raft: 127.0.0.1:9103, api: 127.0.0.1:9203}
        monitors_file: %s
        """.formatted(monitors));
    ClusterSettingsPublisher publisher = publisher(config, sinkLosing(3));
    publisher.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      synchronized (state) {
        return state.clusterSettings().getMembersCount() == 3 && state.monitorsIndex() > 0;
      }
    });
    int settled = writes.get();
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> writes.get() == settled);
    assertThat(settled).as("3 lost, then settings and monitors once each").isEqualTo(5);
    publisher.stop();
  }
}
