package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.testing.TinyDnsServer;
import dev.quorumwatch.proto.DnsProbe;
import dev.quorumwatch.proto.GrpcProbe;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.TcpProbe;
import org.apache.ratis.thirdparty.io.grpc.Server;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;
import dev.quorumwatch.node.api.HealthService;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsRecordType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TCP send/expect, gRPC health and DNS probes against real servers on loopback. */
class TcpAndGrpcProbesTest {
  final ProbeEngine engine = new ProbeEngine(1, "quorumwatch/test", DeniedNetworks.NONE);

  @AfterEach
  void stop() {
    engine.close();
  }

  ProbeResult probe(TargetSpec.Builder target) throws Exception {
    TargetSpec spec = target.setId("t").setTimeoutMs(2000).build();
    return engine.proberFor(spec).probe(spec).get(5, TimeUnit.SECONDS);
  }

  @Test
  void tcpSendsItsBytesAndIsUpOnlyWhenTheAnswerContainsTheExpectedOnes() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            OutputStream out = s.getOutputStream();
            out.write(("PING".equals(line) ? "+PONG\r\n" : "-ERR\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          } catch (Exception closed) {
            return;
          }
        }
      }, "redis-like");
      answering.setDaemon(true);
      answering.start();
      TcpProbe.Builder redis = TcpProbe.newBuilder().setHost("127.0.0.1").setPort(server.getLocalPort())
          .setSend("PING\r\n");
      assertThat(probe(TargetSpec.newBuilder().setTcp(redis.clone().setExpect("+PONG"))).ok()).isTrue();
      ProbeResult wrong = probe(TargetSpec.newBuilder().setTcp(redis.clone().setExpect("+OK")));
      assertThat(wrong.failureClass()).isEqualTo(FailureClass.BODY_MISMATCH);
      assertThat(wrong.detail()).startsWith("expected '+OK', got '+PONG");
      ProbeResult refused = probe(TargetSpec.newBuilder().setTcp(redis.clone().setSend("").setExpect("")
          .setPort(closedPort())));
      assertThat(refused.failureClass()).isEqualTo(FailureClass.REFUSED);
    }
  }

  @Test
  void grpcHealthFollowsTheServingStatus() throws Exception {
    HealthService health = new HealthService();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(health).build().start();
    try {
      GrpcProbe.Builder api = GrpcProbe.newBuilder().setHost("127.0.0.1").setPort(server.getPort()).setService("api");
      health.setStatus("api", ServingStatus.SERVING);
      assertThat(probe(TargetSpec.newBuilder().setGrpc(api)).ok()).isTrue();
      health.setStatus("api", ServingStatus.NOT_SERVING);
      ProbeResult down = probe(TargetSpec.newBuilder().setGrpc(api));
      assertThat(down.failureClass()).isEqualTo(FailureClass.NOT_SERVING);
      assertThat(down.detail()).isEqualTo("NOT_SERVING");
      health.setStatus("api", ServingStatus.SERVING);
      assertThat(probe(TargetSpec.newBuilder().setGrpc(api)).ok()).as("back").isTrue();
      assertThat(probe(TargetSpec.newBuilder().setGrpc(api.clone().setService("billing"))).failureClass())
          .as("a service the server does not know").isEqualTo(FailureClass.NOT_SERVING);
    } finally {
      server.shutdownNow();
    }
    ProbeResult gone = probe(TargetSpec.newBuilder().setGrpc(GrpcProbe.newBuilder().setHost("127.0.0.1")
        .setPort(closedPort())));
    assertThat(gone.ok()).isFalse();
    assertThat(gone.failureClass()).isIn(FailureClass.REFUSED, FailureClass.ERROR);
  }

  @Test
  void dnsMatchesTheAnswersOfTheGivenResolver() throws Exception {
    try (TinyDnsServer dns = new TinyDnsServer()) {
      dns.answer("api.test", DnsRecordType.A, List.of("10.1.2.3", "10.1.2.4"));
      dns.answer("www.test", DnsRecordType.CNAME, List.of("api.test"));
      DnsProbe.Builder api = DnsProbe.newBuilder().setName("api.test").setRecordType("A").setResolver(dns.address());
      assertThat(probe(TargetSpec.newBuilder().setDns(api.clone().addExpect("10.1.2.3"))).ok()).isTrue();
      assertThat(probe(TargetSpec.newBuilder().setDns(api)).ok()).as("any answer").isTrue();
      ProbeResult moved = probe(TargetSpec.newBuilder().setDns(api.clone().addExpect("10.9.9.9")));
      assertThat(moved.failureClass()).isEqualTo(FailureClass.BODY_MISMATCH);
      assertThat(moved.detail()).isEqualTo("answers [10.1.2.3, 10.1.2.4] do not include 10.9.9.9");
      assertThat(probe(TargetSpec.newBuilder().setDns(api.clone().setName("www.test").setRecordType("CNAME")
          .addExpect("api.test"))).ok()).isTrue();
      ProbeResult unknown = probe(TargetSpec.newBuilder().setDns(api.clone().setName("nope.test")));
      assertThat(unknown.failureClass()).isEqualTo(FailureClass.DNS);
      assertThat(unknown.detail()).isEqualTo("NXDOMAIN");
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
