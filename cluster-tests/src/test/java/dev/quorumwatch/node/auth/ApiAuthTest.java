package dev.quorumwatch.node.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import org.apache.ratis.thirdparty.com.google.rpc.RetryInfo;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.api.ApiServer;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.proto.AddSilenceRequest;
import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import dev.quorumwatch.proto.Silence;
import dev.quorumwatch.proto.StatusRequest;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckRequest;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthGrpc;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.protobuf.StatusProto;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bearer tokens on a real cluster: who may read, who may change, and what everyone else gets. */
class ApiAuthTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final String ADMIN = "adm-7f3c9a1e-token";
  static final String READ = "rd-51b2e8d4-token";
  LocalCluster cluster;
  ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  static QuorumWatchGrpc.QuorumWatchBlockingStub stub(ManagedChannel channel, String token) {
    return BearerToken.attach(QuorumWatchGrpc.newBlockingStub(channel), token).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void onlyTheRightTokensGetInAndOnlyAdminTokensChangeTheCluster() throws Exception {
    cluster = clusters.create("auth", 3)
        .withEnvironment("QW_TEST_READ_TOKEN", READ)
        .withNodeYaml("""
            auth:
              rate_limit: {per_second: 20, burst: 40}
              tokens:
                - {name: alice, role: admin, sha256: "%s"}
                - {name: dashboards, role: read, env: QW_TEST_READ_TOKEN}
            """.formatted(HexFormat.of().formatHex(TokenHashes.sha256(ADMIN))))
        .withToken(ADMIN);
    cluster.startAll();
    cluster.awaitLeader(30_000);
    channel = NettyChannelBuilder.forTarget(cluster.api(1)).usePlaintext().build();
    AddSilenceRequest silence = AddSilenceRequest.newBuilder().addMatchers("service=api").setDurationMs(60_000)
        .setComment("test").setCreatedBy("someone-else").build();

    assertThatThrownBy(() -> stub(channel, null).getStatus(StatusRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("QUORUMWATCH_TOKEN");
        });
    assertThatThrownBy(() -> stub(channel, "not-a-token").getStatus(StatusRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    // The members come with the cluster settings, which the new leader commits just after its election.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(stub(channel, READ).getStatus(StatusRequest.getDefaultInstance()).getMembersCount()).isEqualTo(3));
    assertThatThrownBy(() -> stub(channel, READ).addSilence(silence))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("'dashboards' has role read", "AddSilence");
        });
    ApplyRequest huge = ApplyRequest.newBuilder().setFileName("monitors.yaml")
        .setYaml("#".repeat(ApiServer.MAX_REQUEST_BYTES + 1)).build();
    assertThatThrownBy(() -> stub(channel, ADMIN).apply(huge))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).as("over the request size limit").isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    Silence added = stub(channel, ADMIN).addSilence(silence);
    assertThat(added.getCreatedBy()).as("recorded as the token's name, not what the caller claims").isEqualTo("alice");
    assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .as("health stays open for load balancers").isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    // A flood from one token hits its limit (with the time to wait); another token is still served.
    StatusRuntimeException limited = null;
    for (int i = 0; i < 200 && limited == null; i++) {
      try {
        stub(channel, READ).getStatus(StatusRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        limited = e;
      }
    }
    assertThat(limited).as("200 calls at once from one token").isNotNull();
    assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(limited.getStatus().getDescription()).contains("token 'dashboards' is over its rate limit", "retry in");
    var details = StatusProto.fromThrowable(limited);
    assertThat(details.getDetailsList()).anySatisfy(d -> assertThat(d.is(RetryInfo.class)).isTrue());
    assertThat(stub(channel, ADMIN).getStatus(StatusRequest.getDefaultInstance()).getMembersCount())
        .as("the admin token has its own budget").isEqualTo(3);

    Cli.Result anonymous = Cli.run("status", "--server", cluster.api(0));
    assertThat(anonymous.exitCode()).isNotZero();
    assertThat(anonymous.stderr()).contains("QUORUMWATCH_TOKEN");
    Cli.Result reader = Cli.run("status", "--server", cluster.api(0), "--token", READ);
    assertThat(reader.exitCode()).as(reader.stderr()).isZero();
    assertThat(cluster.log(0)).doesNotContain(READ).doesNotContain(ADMIN);

    // The HTTP port's data wants a token too; health, readiness and the (data-less) page do not.
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + cluster.httpPort(2);
    for (String path : List.of("/status.json", "/metrics")) {
      HttpResponse<String> refused = get(http, base + path, null);
      assertThat(refused.statusCode()).as(path + " without a token").isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"quorumwatch\"");
      assertThat(get(http, base + path, "not-a-token").statusCode()).isEqualTo(401);
      assertThat(get(http, base + path, READ).statusCode()).as(path + " with a read token").isEqualTo(200);
    }
    for (String path : List.of("/healthz", "/readyz", "/")) {
      assertThat(get(http, base + path, null).statusCode()).as(path + " stays open").isEqualTo(200);
    }
  }

  static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
