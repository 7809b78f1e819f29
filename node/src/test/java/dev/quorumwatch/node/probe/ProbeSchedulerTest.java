package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.TargetSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProbeSchedulerTest {
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();
  final ProbeEngine engine = new ProbeEngine(1, "quorumwatch/test", DeniedNetworks.NONE);
  HttpServer server;
  ProbeScheduler scheduler;

  @AfterEach
  void stop() {
    scheduler.close();
    engine.close();
    timer.shutdownNow();
    server.stop(0);
    answers.shutdownNow();
  }

  @Test
  void noMoreThanTheBoundRunAtOnceAndEveryTargetStillGetsProbed() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    Set<String> probed = ConcurrentHashMap.newKeySet();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      probed.add(ex.getRequestURI().getQuery());
      // Answered 600 ms later, much of the interval: without the bound, most targets would be in flight at once.
      answers.schedule(() -> {
        running.decrementAndGet();
        ex.sendResponseHeaders(200, -1);
        ex.close();
        return null;
      }, 600, TimeUnit.MILLISECONDS);
    });
    server.start();
    scheduler = new ProbeScheduler("n1", timer, engine::proberFor, v -> { }, new MetricRegistry(),
        (t, ok, c, l) -> { }, ProbeScheduler.StallSource.NONE, 2);
    List<TargetSpec> targets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      targets.add(TargetSpec.newBuilder().setId("t" + i).setIntervalMs(1000).setTimeoutMs(950).setFailureThreshold(2)
          .setRecoveryThreshold(2).setHttp(HttpProbe.newBuilder().addExpectStatus(200)
              .setUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/?t" + i)).build());
    }
    scheduler.reconcile(targets);
    await().atMost(Duration.ofSeconds(10)).until(() -> probed.size() == 6);
    assertThat(mostAtOnce.get()).as("the bound holds").isLessThanOrEqualTo(2);
  }
}
