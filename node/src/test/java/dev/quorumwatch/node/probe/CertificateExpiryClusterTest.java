package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.quorumwatch.node.bench.LocalCluster;
import dev.quorumwatch.node.testing.TestCertificates;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.TargetStatus;
import dev.quorumwatch.proto.Verdict;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS targets on a real 3-node cluster with certificates made in the test: one valid for
 * months is UP and quiet; one that expires in 5 days is UP and raises TargetCertExpiring
 * (window 14 days); one signed by another CA is DOWN with class tls.
 */
class CertificateExpiryClusterTest {
  final ExecutorService serverThreads = Executors.newCachedThreadPool();
  LocalCluster cluster;
  WebhookReceiver receiver;
  HttpsServer healthy;
  HttpsServer expiring;
  HttpsServer strange;

  @AfterEach
  void stop() throws Exception {
    cluster.close();
    receiver.close();
    healthy.stop(0);
    expiring.stop(0);
    strange.stop(0);
    serverThreads.shutdownNow();
  }

  HttpsServer serve(TestCertificates ca, Duration validFor) throws Exception {
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(ca.server("api.test", validFor).sslContext()));
    server.createContext("/health", ex -> {
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.setExecutor(serverThreads);
    server.start();
    return server;
  }

  @Test
  void anExpiringCertificateWarnsAndAnUntrustedOneIsDown(@TempDir Path dir) throws Exception {
    TestCertificates ours = new TestCertificates("qw-test-ca");
    healthy = serve(ours, Duration.ofDays(200));
    expiring = serve(ours, Duration.ofDays(5));
    strange = serve(new TestCertificates("someone-else"), Duration.ofDays(200));
    String ca = ours.writeCaPem(dir).toString();
    receiver = new WebhookReceiver();
    cluster = TestClusters.create("certs", 3);
    cluster.startAll();
    cluster.awaitLeader(30_000);
    StringBuilder yaml = new StringBuilder("targets:\n");
    for (var t : new Object[][] {{"healthy", healthy}, {"expiring", expiring}, {"strange", strange}}) {
      yaml.append("""
            - id: %s
              interval: 2s
              timeout: 2s
              http:
                url: "https://127.0.0.1:%d/health"
                tls: {ca_file: "%s"}
                cert_expiry_warning: 14d
          """.formatted(t[0], ((HttpsServer) t[1]).getAddress().getPort(), ca));
    }
    yaml.append("receivers:\n  - id: ops\n    webhook: {url: \"").append(receiver.url()).append("\"}\n");
    // A 2 s timeout: a node's first TLS handshake, on a cold JVM beside another cluster on two
    // cores, once took longer than 800 ms, and that region's vote said timeout instead of tls.
    cluster.apply(yaml.toString());

    await().atMost(Duration.ofSeconds(30)).until(() -> verdict("healthy") == Verdict.VERDICT_UP
        && verdict("expiring") == Verdict.VERDICT_UP && verdict("strange") == Verdict.VERDICT_DOWN);
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.alerts().contains("TargetCertExpiring expiring firing"));
    assertThat(receiver.alerts()).noneMatch(a -> a.startsWith("TargetCertExpiring healthy"));
    // DOWN needs two regions; the third region's vote may still be on its way.
    await().atMost(Duration.ofSeconds(10)).until(() -> target("strange").getVotesList().stream()
        .allMatch(v -> v.getVote().equals("down")));
    TargetStatus strangeStatus = target("strange");
    assertThat(strangeStatus.getVotesList()).hasSize(3)
        .allSatisfy(v -> assertThat(v.getFailureClass()).isEqualTo("tls"));
  }

  private Verdict verdict(String id) {
    return target(id).getVerdict();
  }

  private TargetStatus target(String id) {
    return cluster.client(cluster.anyRunning()).listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList()
        .stream().filter(t -> t.getId().equals(id)).findFirst().orElseThrow();
  }
}
