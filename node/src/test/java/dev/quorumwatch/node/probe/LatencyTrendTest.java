package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.LatencySpec;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteState;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The trend rule: early on a real ramp, silent on noise. */
class LatencyTrendTest {
  static final long THRESHOLD_MS = 500;
  static final LatencySpec SPEC = LatencySpec.newBuilder().setSlowThresholdMs(THRESHOLD_MS)
      .setPredictHorizonMs(60_000).setTrendSamples(30).build();

  @Test
  void aRampIsCalledSlowBeforeItCrossesTheThreshold() {
    for (long seed = 0; seed < 200; seed++) {
      Random random = new Random(seed);
      Debounce view = new Debounce("api");
      long firstSlowAtLatency = -1;
      for (int i = 0; i < 200 && firstSlowAtLatency < 0; i++) {
        // 50 ms rising 5 ms per 1 s probe, with +-20 ms of noise: crosses 500 ms after ~90 s.
        long latency = Math.max(1, 50 + 5L * i + Math.round(random.nextGaussian() * 20));
        view.record(ProbeResult.success(latency), 3, 2, i * 1000L, SPEC);
        if (view.state() == VoteState.VOTE_SLOW) {
          firstSlowAtLatency = 50 + 5L * i;
          assertThat(view.observation().getFailureClass()).as("seed %d", seed).isEqualTo(Debounce.SLOW_TREND);
          assertThat(view.observation().getDetail()).contains("ms/s").contains("reaches 500 ms");
        }
      }
      assertThat(firstSlowAtLatency).as("seed %d: warned before the crossing", seed).isBetween(0L, THRESHOLD_MS - 1);
    }
  }

  @Test
  void flatButNoisyLatencyNeverWarns() {
    for (long seed = 0; seed < 500; seed++) {
      Random random = new Random(seed);
      Debounce view = new Debounce("api");
      for (int i = 0; i < 600; i++) {
        // A flat 150 ms with heavy noise (sd 50 ms) and an occasional 400 ms spike.
        long latency = Math.max(1, 150 + Math.round(random.nextGaussian() * 50) + (random.nextInt(50) == 0 ? 250 : 0));
        view.record(ProbeResult.success(latency), 3, 2, i * 1000L, SPEC);
        assertThat(view.state()).as("seed %d probe %d: %s", seed, i, view.observation().getDetail())
            .isNotEqualTo(VoteState.VOTE_SLOW);
      }
    }
  }

  @Test
  void aRealServerSlowingDownIsCalledSlowBeforeItCrossesTheThreshold() throws Exception {
    AtomicLong delayMs = new AtomicLong(20);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();
    server.createContext("/", ex -> answers.schedule(() -> { // the server's latency: answer later, off the handler
      ex.sendResponseHeaders(200, -1);
      ex.close();
      return null;
    }, delayMs.get(), TimeUnit.MILLISECONDS));
    server.start();
    ProbeEngine engine = new ProbeEngine(1, "quorumwatch/test", DeniedNetworks.NONE);
    try {
      TargetSpec target = TargetSpec.newBuilder().setId("api").setTimeoutMs(2000).setHttp(HttpProbe.newBuilder()
          .setUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/").addExpectStatus(200)).build();
      LatencySpec spec = LatencySpec.newBuilder().setSlowThresholdMs(400).setPredictHorizonMs(10_000)
          .setTrendSamples(30).build();
      Debounce view = new Debounce("api");
      long slowAtDelay = -1;
      for (int i = 0; i < 60 && slowAtDelay < 0; i++) {
        ProbeResult r = engine.http().probe(target).get(5, TimeUnit.SECONDS);
        view.record(r, 3, 2, System.currentTimeMillis(), spec);
        if (view.state() == VoteState.VOTE_SLOW) {
          slowAtDelay = delayMs.get();
        }
        delayMs.addAndGet(10); // the server slows down by 10 ms per probe
      }
      assertThat(view.observation().getFailureClass()).isEqualTo(Debounce.SLOW_TREND);
      assertThat(slowAtDelay).as("warned at %d ms, before 400 ms", slowAtDelay).isBetween(0L, 399L);
    } finally {
      engine.close();
      server.stop(0);
      answers.shutdownNow();
    }
  }

  @Test
  void latencyOverTheThresholdIsSlowAndRecoveryNeedsGoodAnswers() {
    Debounce view = new Debounce("api");
    LatencySpec noPrediction = SPEC.toBuilder().setPredictHorizonMs(0).build();
    for (int i = 0; i < 2; i++) {
      view.record(ProbeResult.success(100), 2, 2, i * 1000L, noPrediction);
    }
    assertThat(view.state()).isEqualTo(VoteState.VOTE_UP);
    view.record(ProbeResult.success(700), 2, 2, 3000, noPrediction);
    assertThat(view.record(ProbeResult.success(650), 2, 2, 4000, noPrediction)).isTrue();
    assertThat(view.observation().getFailureClass()).isEqualTo(Debounce.SLOW);
    assertThat(view.observation().getDetail()).isEqualTo("650 ms, over 500 ms");
    view.record(ProbeResult.success(100), 2, 2, 5000, noPrediction);
    assertThat(view.state()).isEqualTo(VoteState.VOTE_SLOW);
    assertThat(view.record(ProbeResult.success(100), 2, 2, 6000, noPrediction)).isTrue();
    assertThat(view.state()).isEqualTo(VoteState.VOTE_UP);
  }
}
