package dev.quorumwatch.node.probe;

import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One HTTP target on loopback, answered by {@code handler}, watched by a real probe engine
 * and scheduler of node "n1"; the views it reports are kept. Closes everything it started.
 */
final class WatchedTarget implements AutoCloseable {
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final ProbeEngine engine = new ProbeEngine(1, "quorumwatch/test", DeniedNetworks.NONE);
  final List<Observation> views = new CopyOnWriteArrayList<>();
  final MetricRegistry metrics = new MetricRegistry();
  final HttpServer server;
  ProbeScheduler scheduler;

  WatchedTarget(HttpHandler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/", handler);
    server.start();
  }

  /** Target "api" on this server, expecting 200; the caller sets interval, timeout and thresholds. */
  TargetSpec.Builder target() {
    return TargetSpec.newBuilder().setId("api").setHttp(HttpProbe.newBuilder()
        .setUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/").addExpectStatus(200));
  }

  /** Starts probing {@code target} and waits until this node's view of it is up. */
  void watchUntilUp(TargetSpec target, ProbeScheduler.ResultListener onResult, ProbeScheduler.StallSource stalls) {
    scheduler = new ProbeScheduler("n1", timer, engine::proberFor, views::add, metrics, onResult, stalls);
    scheduler.reconcile(List.of(target));
    await().atMost(Duration.ofSeconds(5)).until(() -> views.stream().anyMatch(v -> v.getState() == VoteState.VOTE_UP));
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.close();
    }
    server.stop(0);
    engine.close();
    timer.shutdownNow();
  }
}
