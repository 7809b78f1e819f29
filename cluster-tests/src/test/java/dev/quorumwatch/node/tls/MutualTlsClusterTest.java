package dev.quorumwatch.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.cluster.RaftAdmin;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.MakeCertsScript;
import dev.quorumwatch.node.testing.Monitors;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandSignature;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes whose certificates come from one cluster CA (made by deploy/local/make-certs.sh),
 * and a fourth, ap-southeast, whose certificate comes from another CA: it runs, but can neither
 * join nor talk to the members' Raft ports, and the cluster goes on committing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MutualTlsClusterTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final int ROGUE = 3;

  LocalCluster cluster;
  TargetServer target;
  WebhookReceiver receiver;
  Path clusterCa;
  Path otherCa;
  long termBefore;

  @BeforeAll
  void startCluster() throws Exception {
    target = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    cluster = clusters.create("tls", 4).withBootstrapMembers(3);
    Path certs = cluster.dir().resolve("certs");
    otherCa = cluster.dir().resolve("other-ca");
    MakeCertsScript.run(certs, "us-west", "us-east", "eu-west");
    MakeCertsScript.run(otherCa, "ap-southeast");
    cluster.withTls(certs).withNodeTls(ROGUE, otherCa);
    clusterCa = cluster.caFile().orElseThrow();
    for (int i = 0; i < 3; i++) {
      cluster.start(i);
    }
    cluster.awaitAllFresh(30_000);
    cluster.apply(Monitors.oneTarget("api", target.url(), receiver.url()));
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 20_000)).isTrue();
  }

  @Test
  @Order(1)
  void theApiAndTheHttpPortServeTlsOnly() throws Exception {
    Cli.Result status = Cli.run("status", "--json", "--server", cluster.api(1), "--ca", clusterCa.toString());
    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(status.stdout()).contains("\"leader\"");

    Cli.Result plaintext = Cli.run("status", "--server", cluster.api(1));
    assertThat(plaintext.exitCode()).isNotZero();
    assertThat(plaintext.stderr()).contains("pass --ca");

    HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(clusterCa)).build();
    HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + cluster.httpPort(1) + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + cluster.httpPort(1) + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  @Order(2)
  void aNodeWithACertificateFromAnotherCaCannotJoinAndTheClusterKeepsCommitting() throws Exception {
    termBefore = leaderStatus().getTerm();
    cluster.start(ROGUE);
    // Running: its API listens (with a certificate this harness, trusting the cluster CA, refuses).
    await().atMost(Duration.ofSeconds(30)).until(() -> listening(cluster.httpPort(ROGUE)));
    // An admin adds it: the leader cannot reach it (its handshake fails), so the change is refused at once.
    Cli.Result add = Cli.run("members", "add", "ap-southeast", "--region", "ap-southeast", "--raft", cluster.raftAddress(ROGUE),
        "--api", cluster.api(ROGUE), "--server", cluster.api(0), "--ca", clusterCa.toString());
    assertThat(add.exitCode()).as(add.stdout()).isNotZero();
    assertThat(add.stderr()).contains("certificate from the cluster CA", "the new member ap-southeast does not answer at");
    Cli.Result list = Cli.run("members", "list", "--json", "--server", cluster.api(0), "--ca", clusterCa.toString());
    assertThat(list.stdout()).contains("us-west", "us-east", "eu-west").doesNotContain("ap-southeast");

    // Nor can it speak Raft to a member at all (votes included): the handshake fails, even
    // when it trusts the cluster CA, since a member asks every peer for a certificate.
    try (RaftClient asRogue = RaftAdmin.client(cluster, ROGUE, RetryPolicies.noRetry())) {
      assertThatThrownBy(() -> asRogue.getGroupManagementApi(RaftPeerId.valueOf("us-west")).list())
          .hasMessageContaining("UNAVAILABLE").hasStackTraceContaining("SSLHandshakeException");
    }
    TlsFiles impostor = new TlsFiles(clusterCa, otherCa.resolve("ap-southeast.crt"), otherCa.resolve("ap-southeast.key"));
    try (RaftClient asImpostor = RaftAdmin.client(cluster, 0, impostor, RetryPolicies.noRetry())) {
      assertThatThrownBy(() -> asImpostor.getGroupManagementApi(RaftPeerId.valueOf("us-west")).list())
          .hasMessageContaining("UNAVAILABLE");
    }
    try (RaftClient asMember = RaftAdmin.client(cluster, 1, RetryPolicies.noRetry())) {
      assertThat(asMember.getGroupManagementApi(RaftPeerId.valueOf("us-west")).list().getGroupIds()).hasSize(1);
    }

    StatusResponse after = leaderStatus();
    assertThat(after.getTerm()).as("the leader was never disturbed").isEqualTo(termBefore);
    assertThat(after.getMembersCount()).isEqualTo(3);
    long appliedBefore = after.getAppliedIndex();
    assertThat(cluster.apply(Monitors.oneTarget("api", target.url(), receiver.url())).getLogIndex())
        .as("the cluster still commits").isGreaterThan(appliedBefore);
  }

  @Test
  @Order(3)
  void onlyAMembersSignedCommandsEnterTheLogAndAReportOnlyForItsOwnRegion() throws Exception {
    Path certs = cluster.dir().resolve("certs");
    MakeCertsScript.run(certs, "intruder"); // a valid certificate of the cluster CA, for a name that is no member
    Command apply = Command.newBuilder().setApplyMonitors(ApplyMonitors.newBuilder()
        .setSpec(MonitorsSpec.getDefaultInstance())).build();
    Command forgedReport = Command.newBuilder().setReportView(ReportView.newBuilder().setNodeId("us-west")
        .setRegion("us-west").setFull(true)).build();
    TlsFiles intruder = new TlsFiles(clusterCa, certs.resolve("intruder.crt"), certs.resolve("intruder.key"));
    // Retries only find the leader: a refusal is an answer, not retried.
    RetryPolicy findTheLeader = RetryPolicies.retryUpToMaximumCountWithFixedSleep(10, TimeDuration.valueOf(100,
        TimeUnit.MILLISECONDS));
    try (RaftClient asIntruder = RaftAdmin.client(cluster, 0, intruder, findTheLeader)) {
      assertThat(submit(asIntruder, apply)).contains("not signed by a member");
      assertThat(submit(asIntruder, signed(apply, certs.resolve("intruder")))).contains("signed by intruder, which is"
          + " not a member");
      assertThat(submit(asIntruder, signed(forgedReport, certs.resolve("intruder")))).contains("not a member");
    }
    TlsFiles usEast = new TlsFiles(clusterCa, certs.resolve("us-east.crt"), certs.resolve("us-east.key"));
    try (RaftClient asUsEast = RaftAdmin.client(cluster, 1, usEast, findTheLeader)) {
      assertThat(submit(asUsEast, signed(forgedReport, certs.resolve("us-east"))))
          .as("a member votes only for its own region").contains("a report for us-west signed by us-east");
    }
    assertThat(cluster.client(0).listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsCount())
        .as("nothing was applied").isEqualTo(1);
  }

  @Test
  @Order(4)
  void aNonMembersCertificateOpensNoneOfRatisAdminCalls() throws Exception {
    Path certs = cluster.dir().resolve("certs");
    TlsFiles intruder = new TlsFiles(clusterCa, certs.resolve("intruder.crt"), certs.resolve("intruder.key"));
    int leader = Agreement.majorityLeader(cluster);
    try (RaftClient asIntruder = RaftAdmin.client(cluster, 0, intruder, RetryPolicies.noRetry())) {
      assertThatThrownBy(() -> asIntruder.getGroupManagementApi(RaftPeerId.valueOf("us-west")).list())
          .hasStackTraceContaining("PERMISSION_DENIED").hasStackTraceContaining("intruder is not a member");
      List<RaftPeer> withIntruder = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        withIntruder.add(RaftPeer.newBuilder().setId(cluster.id(i)).setAddress(cluster.raftAddress(i)).build());
      }
      withIntruder.add(RaftPeer.newBuilder().setId("intruder").setAddress("127.0.0.1:1").build());
      assertThatThrownBy(() -> asIntruder.admin().setConfiguration(withIntruder))
          .hasStackTraceContaining("PERMISSION_DENIED");
      assertThatThrownBy(() -> asIntruder.admin().transferLeadership(RaftPeerId.valueOf(cluster.id((leader + 1) % 3)),
          2_000)).hasStackTraceContaining("PERMISSION_DENIED");
    }
    Cli.Result list = Cli.run("members", "list", "--json", "--server", cluster.api(0), "--ca", clusterCa.toString());
    assertThat(list.stdout()).doesNotContain("intruder");
    assertThat(Agreement.majorityLeader(cluster)).as("leadership did not move").isEqualTo(leader);

    // The peer protocol itself (votes, entries): refused before Ratis reads the request.
    assertThat(requestVote(certs.resolve("intruder"))).contains("PERMISSION_DENIED").contains("intruder is not a member");
    assertThat(requestVote(certs.resolve("us-east"))).as("a member reaches Ratis (which then judges the request)")
        .doesNotContain("PERMISSION_DENIED");
  }

  /** A RequestVote straight on us-west's peer port, as the holder of {@code certPrefix}.crt; what came back. */
  String requestVote(Path certPrefix) throws Exception {
    org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContext ssl = org.apache.ratis.thirdparty.io.grpc.netty
        .GrpcSslContexts.forClient().trustManager(clusterCa.toFile())
        .keyManager(Path.of(certPrefix + ".crt").toFile(), Path.of(certPrefix + ".key").toFile()).build();
    org.apache.ratis.thirdparty.io.grpc.ManagedChannel channel = org.apache.ratis.thirdparty.io.grpc.netty
        .NettyChannelBuilder.forTarget(cluster.raftAddress(0)).sslContext(ssl).build();
    try {
      return String.valueOf(RaftServerProtocolServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .requestVote(RaftProtos.RequestVoteRequestProto.getDefaultInstance()));
    } catch (RuntimeException e) {
      return e.toString();
    } finally {
      channel.shutdownNow();
    }
  }

  /** What the leader answered a raw Raft client: "accepted", or the refusal. */
  static String submit(RaftClient client, Command command) {
    try {
      RaftClientReply reply = client.io().send(Message.valueOf(
          org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(command.toByteArray())));
      return reply.isSuccess() ? "accepted" : String.valueOf(reply.getException());
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** {@code command} signed with the key next to {@code certPrefix}.crt, as a node signs (the attacker's view). */
  static Command signed(Command command, Path certPrefix) throws Exception {
    PrivateKey key = PemFiles.privateKey(Path.of(certPrefix + ".key"));
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(command.toBuilder().clearAtMs().clearSignature().build().toByteArray());
    return command.toBuilder().setSignature(CommandSignature.newBuilder()
        .setCertificate(ByteString.copyFrom(PemFiles.certificates(Path.of(certPrefix + ".crt")).get(0).getEncoded()))
        .setValue(ByteString.copyFrom(signer.sign()))).build();
  }

  /** The leader's status (the majority's leader: the outsider, when running, names none). */
  StatusResponse leaderStatus() {
    return await().atMost(Duration.ofSeconds(10)).until(() -> {
      int leader = Agreement.majorityLeader(cluster);
      return leader < 0 ? null : cluster.status(leader).orElse(null);
    }, s -> s != null);
  }

  static boolean listening(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static SSLContext trusting(Path ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", PemFiles.certificates(ca).get(0));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
