package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.testing.TestCertificates;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.StatusRange;
import dev.quorumwatch.proto.TargetSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP(S) probe options against real servers on loopback: requests, checks, redirects, TLS, connections. */
class HttpProbeOptionsTest {
  final ExecutorService serverThreads = Executors.newCachedThreadPool();
  final ProbeEngine engine = new ProbeEngine(1, "quorumwatch/test", DeniedNetworks.NONE);
  final List<String> requests = new CopyOnWriteArrayList<>();
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  HttpServer server;
  String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/echo", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("X-Probe") + " " + body);
      respond(ex, 204, "");
    });
    server.createContext("/health", ex -> {
      clientPorts.add(ex.getRemoteAddress().getPort());
      respond(ex, 200, "{\"status\": \"up\", \"checks\": {\"db\": \"ok\"}, \"version\": 7}");
    });
    server.createContext("/moved", ex -> {
      ex.getResponseHeaders().set("Location", "/health");
      respond(ex, 302, "");
    });
    server.createContext("/loop", ex -> {
      ex.getResponseHeaders().set("Location", "/loop");
      respond(ex, 302, "");
    });
    server.setExecutor(serverThreads);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    engine.close();
    serverThreads.shutdownNow();
  }

  static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
    ex.close();
  }

  ProbeResult probe(String url, UnaryOperator<HttpProbe.Builder> options) throws Exception {
    HttpProbe http = options.apply(HttpProbe.newBuilder().setUrl(url).addExpectStatus(200)).build();
    return engine.http().probe(TargetSpec.newBuilder().setId("t").setHttp(http).setTimeoutMs(2000).build()).get();
  }

  @Test
  void sendsTheConfiguredMethodHeadersAndBodyAndAcceptsStatusRanges() throws Exception {
    ProbeResult result = probe(base + "/echo", h -> h.clearExpectStatus().setMethod("POST")
        .addHeaders(Label.newBuilder().setName("X-Probe").setValue("qw")).setBody("{\"ping\":1}")
        .addExpectStatusRanges(StatusRange.newBuilder().setFrom(200).setTo(299)));
    assertThat(result.ok()).as(result.detail()).isTrue();
    assertThat(requests).containsExactly("POST qw {\"ping\":1}");
    ProbeResult notInRange = probe(base + "/echo", h -> h.clearExpectStatus()
        .addExpectStatusRanges(StatusRange.newBuilder().setFrom(200).setTo(203)));
    assertThat(notInRange.failureClass()).isEqualTo(FailureClass.HTTP_STATUS);
    assertThat(notInRange.detail()).isEqualTo("HTTP 204");
  }

  @Test
  void bodyChecksPassOrSayWhatDidNotMatch() throws Exception {
    assertThat(probe(base + "/health", h -> h.setBodyContains("\"up\"").setBodyRegex("version\": \\d+")
        .setJsonPointer("/checks/db").setJsonEquals("ok")).ok()).isTrue();
    ProbeResult missing = probe(base + "/health", h -> h.setBodyContains("green"));
    assertThat(missing.failureClass()).isEqualTo(FailureClass.BODY_MISMATCH);
    assertThat(missing.detail()).isEqualTo("body does not contain 'green'");
    ProbeResult wrongField = probe(base + "/health", h -> h.setJsonPointer("/status").setJsonEquals("down"));
    assertThat(wrongField.failureClass()).isEqualTo(FailureClass.BODY_MISMATCH);
    assertThat(wrongField.detail()).isEqualTo("json /status is 'up', expected 'down'");
    assertThat(probe(base + "/health", h -> h.setJsonPointer("/nope").setJsonEquals("x")).detail())
        .isEqualTo("json /nope is missing, expected 'x'");
  }

  @Test
  void redirectsAreFollowedOnlyUpToTheLimitWithinTheTimeout() throws Exception {
    assertThat(probe(base + "/moved", h -> h).detail()).as("not followed by default").isEqualTo("HTTP 302");
    assertThat(probe(base + "/moved", h -> h.setMaxRedirects(1)).ok()).isTrue();
    ProbeResult loop = probe(base + "/loop", h -> h.setMaxRedirects(3));
    assertThat(loop.ok()).isFalse();
    assertThat(loop.detail()).isEqualTo("HTTP 302");
  }

  @Test
  void aRedirectToAnotherOriginDoesNotGetTheConfiguredHeaders() throws Exception {
    List<String> seenElsewhere = new CopyOnWriteArrayList<>();
    HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    other.createContext("/", ex -> {
      seenElsewhere.add(ex.getRequestHeaders().getFirst("Authorization") + " " + ex.getRequestHeaders().getFirst("X-Probe"));
      respond(ex, 200, "");
    });
    other.start();
    try {
      String elsewhere = "http://127.0.0.1:" + other.getAddress().getPort() + "/health";
      server.createContext("/away", ex -> {
        requests.add("away " + ex.getRequestHeaders().getFirst("Authorization"));
        ex.getResponseHeaders().set("Location", elsewhere);
        respond(ex, 302, "");
      });
      ProbeResult followed = probe(base + "/away", h -> h.setMaxRedirects(2)
          .addHeaders(Label.newBuilder().setName("Authorization").setValue("Bearer s3cret"))
          .addHeaders(Label.newBuilder().setName("X-Probe").setValue("qw")));
      assertThat(followed.ok()).as(followed.detail()).isTrue();
      assertThat(requests).as("the named origin gets them").containsExactly("away Bearer s3cret");
      assertThat(seenElsewhere).as("the other origin does not").containsExactly("null null");
    } finally {
      other.stop(0);
    }
  }

  @Test
  void aRedirectFromHttpsToHttpIsRefused(@TempDir Path dir) throws Exception {
    TestCertificates ca = new TestCertificates("redirect-ca");
    HttpsServer tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    tls.setHttpsConfigurator(new HttpsConfigurator(ca.server("localhost", Duration.ofDays(1)).sslContext()));
    tls.createContext("/", ex -> {
      ex.getResponseHeaders().set("Location", base + "/health");
      respond(ex, 301, "");
    });
    tls.start();
    String caFile = ca.writeCaPem(dir).toString();
    try {
      ProbeResult refused = probe("https://127.0.0.1:" + tls.getAddress().getPort() + "/", h -> h.setMaxRedirects(2)
          .setTlsCaFile(caFile));
      assertThat(refused.ok()).isFalse();
      assertThat(refused.detail()).isEqualTo("HTTP 301: redirect from https to http refused");
      assertThat(clientPorts).as("the plain http endpoint was never asked").isEmpty();
    } finally {
      tls.stop(0);
    }
  }

  @Test
  void keptAliveConnectionsAreReusedAndAFreshConnectionIsNot() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(probe(base + "/health", h -> h).ok()).isTrue();
    }
    assertThat(clientPorts).as("one kept-alive connection").hasSize(1);
    clientPorts.clear();
    for (int i = 0; i < 3; i++) {
      assertThat(probe(base + "/health", h -> h.setFreshConnection(true)).ok()).isTrue();
    }
    assertThat(clientPorts).as("a new connection each time").hasSize(3);
  }

  @Test
  void httpsTrustsTheGivenCaChecksTheNameAndCanBeToldNotToVerify(@TempDir Path dir) throws Exception {
    TestCertificates certificates = new TestCertificates("qw-test-ca");
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    https.setHttpsConfigurator(new HttpsConfigurator(certificates.server("api.test", Duration.ofDays(90)).sslContext()));
    https.createContext("/health", ex -> respond(ex, 200, "ok"));
    https.setExecutor(serverThreads);
    https.start();
    try {
      String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/health";
      String ca = certificates.writeCaPem(dir).toString();
      assertThat(probe(url, h -> h.setTlsCaFile(ca)).ok()).as("valid for 127.0.0.1, signed by the CA").isTrue();
      assertThat(probe(url, h -> h.setTlsCaFile(ca).setTlsServerName("api.test")).ok()).as("by SNI name").isTrue();
      ProbeResult wrongName = probe(url, h -> h.setTlsCaFile(ca).setTlsServerName("other.test"));
      assertThat(wrongName.failureClass()).isEqualTo(FailureClass.TLS);
      ProbeResult unknownCa = probe(url, h -> h);
      assertThat(unknownCa.failureClass()).as("not trusted by the JDK's CAs").isEqualTo(FailureClass.TLS);
      assertThat(probe(url, h -> h.setTlsInsecure(true)).ok()).as("verify: false").isTrue();
      Path other = Files.createDirectories(dir.resolve("other"));
      String otherCa = new TestCertificates("another-ca").writeCaPem(other).toString();
      assertThat(probe(url, h -> h.setTlsCaFile(otherCa)).failureClass()).as("wrong CA").isEqualTo(FailureClass.TLS);
    } finally {
      https.stop(0);
    }
  }
}
