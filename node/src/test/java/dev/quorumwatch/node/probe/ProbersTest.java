package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.TcpProbe;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP and TCP probes against real servers on loopback. */
class ProbersTest {
  HttpServer server;
  CountDownLatch release = new CountDownLatch(1);
  AtomicReference<String> userAgent = new AtomicReference<>();
  ProbeEngine engine = new ProbeEngine(1, "quorumwatch/test (node=n1; region=r1)", DeniedNetworks.NONE);
  Prober http = engine.http();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/ok", ex -> {
      userAgent.set(ex.getRequestHeaders().getFirst("User-Agent"));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.createContext("/error", ex -> {
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    server.createContext("/limited", ex -> {
      ex.sendResponseHeaders(429, -1);
      ex.close();
    });
    server.createContext("/hang", ex -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    engine.close();
  }

  private TargetSpec httpTarget(String path, int... expect) {
    HttpProbe.Builder probe = HttpProbe.newBuilder().setUrl("http://127.0.0.1:" + server.getAddress().getPort() + path);
    for (int code : expect) {
      probe.addExpectStatus(code);
    }
    return TargetSpec.newBuilder().setId("t").setHttp(probe).setIntervalMs(1000).setTimeoutMs(300).build();
  }

  @Test
  void httpExpectedStatusIsUpAndCarriesTheUserAgent() throws Exception {
    // A generous timeout: the first probe of a fresh JVM loads and warms the whole HTTP path.
    ProbeResult r = http.probe(httpTarget("/ok", 200, 204).toBuilder().setTimeoutMs(3000).build())
        .get(5, TimeUnit.SECONDS);
    assertThat(r.ok()).as(r.detail()).isTrue();
    assertThat(userAgent.get()).isEqualTo("quorumwatch/test (node=n1; region=r1)");
  }

  @Test
  void aProbeOfAServerThatNeverAnswersEndsAtItsTimeout() throws Exception {
    http.probe(httpTarget("/ok", 204).toBuilder().setTimeoutMs(3000).build()).get(5, TimeUnit.SECONDS); // warm up
    List<Long> elapsed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      ProbeResult hung = http.probe(httpTarget("/hang", 200).toBuilder().setTimeoutMs(500).build())
          .get(5, TimeUnit.SECONDS);
      elapsed.add((System.nanoTime() - start) / 1_000_000);
      assertThat(hung.failureClass()).isEqualTo("timeout");
    }
    Collections.sort(elapsed);
    assertThat(elapsed.get(2)).as("median of %s", elapsed).isBetween(450L, 550L);
  }

  @Test
  void httpFailuresCarryTheirClass() throws Exception {
    assertThat(http.probe(httpTarget("/error", 200)).get(5, TimeUnit.SECONDS))
        .extracting(ProbeResult::ok, ProbeResult::failureClass, ProbeResult::detail)
        .containsExactly(false, "http_status", "HTTP 500");
    assertThat(http.probe(httpTarget("/limited", 200)).get(5, TimeUnit.SECONDS).failureClass()).isEqualTo("rate_limited");
    long start = System.nanoTime();
    ProbeResult hung = http.probe(httpTarget("/hang", 200)).get(5, TimeUnit.SECONDS);
    assertThat(hung.failureClass()).isEqualTo("timeout");
    assertThat((System.nanoTime() - start) / 1_000_000).as("a probe does not outlive its timeout by much").isLessThan(1500);
    TargetSpec refused = TargetSpec.newBuilder().setId("t").setIntervalMs(1000).setTimeoutMs(500)
        .setHttp(HttpProbe.newBuilder().setUrl("http://127.0.0.1:" + FreePorts.next() + "/").addExpectStatus(200)).build();
    assertThat(http.probe(refused).get(5, TimeUnit.SECONDS).failureClass()).isEqualTo("refused");
  }

  @Test
  void aConnectionTheServerClosedWhileIdleIsNotAFailure() throws Exception {
    // A roomy timeout: the old server closes its connections asynchronously, and under load
    // that can take longer than the 300 ms the other probes here allow.
    TargetSpec ok = httpTarget("/ok", 204).toBuilder().setTimeoutMs(3000).setIntervalMs(5000).build();
    assertThat(http.probe(ok).get(5, TimeUnit.SECONDS).ok()).isTrue();
    // The JDK server closes idle keep-alive connections when it stops; a new one takes the port's place.
    int port = server.getAddress().getPort();
    server.stop(0);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    server.createContext("/ok", ex -> {
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.start();
    ProbeResult afterRestart = http.probe(ok).get(5, TimeUnit.SECONDS);
    assertThat(afterRestart.ok()).as(afterRestart.toString()).isTrue();
  }

  @Test
  void tcpConnectIsUpAndAClosedPortIsRefused() throws Exception {
    Prober tcp = engine.tcp();
    try (ServerSocket listening = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      TargetSpec open = TargetSpec.newBuilder().setId("t").setIntervalMs(1000).setTimeoutMs(500)
          .setTcp(TcpProbe.newBuilder().setHost("127.0.0.1").setPort(listening.getLocalPort())).build();
      assertThat(tcp.probe(open).get(5, TimeUnit.SECONDS).ok()).isTrue();
    }
    TargetSpec closed = TargetSpec.newBuilder().setId("t").setIntervalMs(1000).setTimeoutMs(500)
        .setTcp(TcpProbe.newBuilder().setHost("127.0.0.1").setPort(FreePorts.next())).build();
    ProbeResult r = tcp.probe(closed).get(5, TimeUnit.SECONDS);
    assertThat(r.ok()).isFalse();
    assertThat(r.failureClass()).as(r.detail()).isEqualTo("refused");
  }
}
