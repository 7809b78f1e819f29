package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.outbound.RetryAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A target that rate-limits us: the interval backs off as asked, comes back after, and no down vote is cast. */
class AdaptiveIntervalTest {
  static final long INTERVAL_MS = 200;
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final ProbeEngine engine = new ProbeEngine(1, "quorumwatch/test", DeniedNetworks.NONE);
  final List<Long> requestsAt = new CopyOnWriteArrayList<>();
  final List<Observation> views = new CopyOnWriteArrayList<>();
  final AtomicBoolean limiting = new AtomicBoolean(false);
  HttpServer server;
  ProbeScheduler scheduler;

  @AfterEach
  void stop() {
    if (scheduler != null) {
      scheduler.close();
      server.stop(0);
    }
    engine.close();
    timer.shutdownNow();
  }

  /** A server answering 429 while {@code limiting}, with {@code retryAfter} when not null. */
  void serve(String retryAfter) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/", ex -> {
      requestsAt.add(System.currentTimeMillis());
      if (limiting.get()) {
        if (retryAfter != null) {
          ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(429, -1);
      } else {
        ex.sendResponseHeaders(200, -1);
      }
      ex.close();
    });
    server.start();
    scheduler = new ProbeScheduler("n1", timer, engine::proberFor, views::add, new MetricRegistry());
    scheduler.reconcile(List.of(TargetSpec.newBuilder().setId("api").setIntervalMs(INTERVAL_MS).setTimeoutMs(150)
        .setFailureThreshold(2).setRecoveryThreshold(2).setMaxIntervalMs(3_000)
        .setHttp(HttpProbe.newBuilder().setUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/")
            .addExpectStatus(200)).build()));
    await().atMost(Duration.ofSeconds(5)).until(() -> views.stream().anyMatch(v -> v.getState() == VoteState.VOTE_UP));
  }

  /** The gaps between the requests made since {@code from}. */
  List<Long> gapsSince(int from) {
    List<Long> gaps = new java.util.ArrayList<>();
    for (int i = Math.max(1, from); i < requestsAt.size(); i++) {
      gaps.add(requestsAt.get(i) - requestsAt.get(i - 1));
    }
    return gaps;
  }

  @Test
  void aRetryAfterIsWaitedOutAsAskedNeverLongerAndTheFirstAnswerRestoresTheInterval() throws Exception {
    serve("1");
    limiting.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.currentIntervalMs("api") == 1_000);
    int limitedFrom = requestsAt.size();
    await().atMost(Duration.ofSeconds(10)).until(() -> requestsAt.size() >= limitedFrom + 3);
    assertThat(gapsSince(limitedFrom)).as("what the server asked: 1 s, not the 3 s maximum")
        .allSatisfy(gap -> assertThat(gap).isBetween(900L, 2_000L));
    assertThat(scheduler.currentIntervalMs("api")).isEqualTo(1_000);

    limiting.set(false);
    int recoveredFrom = requestsAt.size();
    await().atMost(Duration.ofSeconds(3)).until(() -> requestsAt.size() >= recoveredFrom + 4);
    assertThat(scheduler.currentIntervalMs("api")).as("back at once, not halving step by step").isEqualTo(INTERVAL_MS);
    List<Long> after = gapsSince(recoveredFrom + 1);
    assertThat(after.get(after.size() - 1)).as("back at the configured interval").isLessThan(INTERVAL_MS + 150);
    assertThat(views).as("a 429 is no down vote").noneMatch(v -> v.getState() == VoteState.VOTE_DOWN);
  }

  @Test
  void withoutRetryAfterTheIntervalDoublesUpToItsMaximum() throws Exception {
    serve(null);
    limiting.set(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.currentIntervalMs("api") >= 3_000);
    int limitedFrom = requestsAt.size();
    await().atMost(Duration.ofSeconds(10)).until(() -> requestsAt.size() >= limitedFrom + 2);
    assertThat(gapsSince(limitedFrom)).as("backed off to the maximum").allSatisfy(gap -> assertThat(gap)
        .isGreaterThanOrEqualTo(2_900));
    limiting.set(false);
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.currentIntervalMs("api") == INTERVAL_MS);
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    assertThat(RetryAfter.parseMs("120", 0)).isEqualTo(120_000);
    assertThat(RetryAfter.parseMs("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_470_000L)).isEqualTo(10_000);
    assertThat(RetryAfter.parseMs("soon", 0)).isZero();
    assertThat(RetryAfter.parseMs(null, 0)).isZero();
  }
}
