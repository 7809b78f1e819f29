package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.TcpProbe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Host names are looked up off the probe event loop: a resolver that hangs costs the probes
 * of that name their timeout and nothing else, however many of them there are.
 */
class ProbeResolutionTest {
  final CountDownLatch resolverAnswers = new CountDownLatch(1);
  final AtomicInteger hangingLookups = new AtomicInteger();
  final ProbeEngine engine = new ProbeEngine("n1", 1, "quorumwatch/test", DeniedNetworks.NONE, new Secrets(System::getenv), this::lookup);
  HttpServer server;

  private InetAddress[] lookup(String host) throws UnknownHostException {
    switch (host) {
      case "service.test" -> {
        return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
      }
      case "hanging.test" -> {
        hangingLookups.incrementAndGet();
        try {
          resolverAnswers.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new UnknownHostException(host + ": the resolver gave up");
      }
      default -> throw new UnknownHostException(host);
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", ex -> {
      byte[] body = "ok".getBytes();
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    resolverAnswers.countDown();
    server.stop(0);
    engine.close();
  }

  private TargetSpec http(String host, long timeoutMs) {
    return TargetSpec.newBuilder().setId(host).setIntervalMs(1000).setTimeoutMs(timeoutMs)
        .setHttp(HttpProbe.newBuilder().setUrl("http://" + host + ":" + server.getAddress().getPort() + "/")
            .addExpectStatus(200)).build();
  }

  private TargetSpec tcp(String host, long timeoutMs) {
    return TargetSpec.newBuilder().setId(host + "-tcp").setIntervalMs(1000).setTimeoutMs(timeoutMs)
        .setTcp(TcpProbe.newBuilder().setHost(host).setPort(server.getAddress().getPort())).build();
  }

  @Test
  void aHangingLookupDelaysNoOtherProbeAndEndsAtItsTimeout() throws Exception {
    // Warm the HTTP path first, so the timing below is about resolution, not class loading.
    ProbeResult warm = engine.http().probe(http("service.test", 5000)).get(10, TimeUnit.SECONDS);
    assertThat(warm.ok()).as(warm.failureClass() + ": " + warm.detail()).isTrue();

    long started = System.nanoTime();
    List<CompletableFuture<ProbeResult>> hanging = new ArrayList<>();
    for (int i = 0; i < ProbeResolverGroup.THREADS + 4; i++) {
      hanging.add(engine.http().probe(http("hanging.test", 600)));
      hanging.add(engine.tcp().probe(tcp("hanging.test", 600)));
    }
    ProbeResult httpMeanwhile = engine.http().probe(http("service.test", 3000)).get(5, TimeUnit.SECONDS);
    ProbeResult tcpMeanwhile = engine.tcp().probe(tcp("service.test", 3000)).get(5, TimeUnit.SECONDS);
    long meanwhileMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(httpMeanwhile.ok()).as(httpMeanwhile.detail()).isTrue();
    assertThat(tcpMeanwhile.ok()).as(tcpMeanwhile.detail()).isTrue();
    assertThat(meanwhileMs).as("other probes wait for no lookup").isLessThan(600);
    for (CompletableFuture<ProbeResult> probe : hanging) {
      ProbeResult r = probe.get(5, TimeUnit.SECONDS);
      long endedMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(r.ok()).isFalse();
      assertThat(r.failureClass()).isEqualTo(FailureClass.TIMEOUT);
      assertThat(endedMs).as("a probe never outlives its timeout").isLessThan(600 + 300);
    }
    assertThat(hangingLookups).as("probes of one name share the lookup in flight").hasValue(1);
  }

  @Test
  void aNameThatDoesNotResolveFailsWithClassDns() throws Exception {
    ProbeResult r = engine.http().probe(http("nowhere.test", 2000)).get(5, TimeUnit.SECONDS);
    assertThat(r.ok()).isFalse();
    assertThat(r.failureClass()).isEqualTo(FailureClass.DNS);
    assertThat(r.detail()).contains("nowhere.test");
  }
}
