package dev.quorumwatch.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.WatchRequest;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.stub.ClientCallStreamObserver;
import org.apache.ratis.thirdparty.io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * What an operator (or an outsider with a token) types can't stall or stop the replicas.
 * Tried before RE2/J: this silence, with this target firing, stopped every replica's apply
 * thread; nothing was decided until the nodes were killed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("second-lane") // light and mostly waiting; see junit-platform.properties
class ReplicaSafetyTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final String LONG_ID = "a".repeat(60) + "b";

  LocalCluster cluster;
  TargetServer target;
  WebhookReceiver receiver;

  @BeforeAll
  void start() throws Exception {
    target = clusters.own(new TargetServer());
    receiver = clusters.own(new WebhookReceiver());
    cluster = clusters.started("replica-safety", 3);
    cluster.apply("""
        targets:
          - {id: %s, http: {url: "%s"}, interval: 1s, timeout: 800ms}
        receivers:
          - {id: ops, webhook: {url: "%s"}}
        """.formatted(LONG_ID, target.url(), receiver.url()));
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 30_000)).isTrue();
  }

  @Test
  void aCatastrophicSilencePatternLeavesEveryReplicaAnswering() throws Exception {
    target.setUp(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.pagesWithStatus("firing").isEmpty());
    Cli.Result added = Cli.run("silence", "add", "--match", "target=~(.*a){25}", "--for", "1h", "--comment", "typo",
        "--by", "test", "--server", cluster.api(0));
    assertThat(added.exitCode()).as(added.stderr()).isZero();

    long[] appliedBefore = new long[3];
    for (int i = 0; i < 3; i++) {
      appliedBefore[i] = status(i).getAppliedIndex();
    }
    target.setUp(true); // the resolve must still be decided and sent
    await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.pagesWithStatus("resolved").isEmpty());
    for (int i = 0; i < 3; i++) {
      long started = System.nanoTime();
      StatusResponse s = status(i);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("node %d answers status", i)
          .isLessThan(1_000);
      assertThat(s.getAppliedIndex()).as("node %d goes on applying", i).isGreaterThan(appliedBefore[i]);
    }
  }

  @Test
  void aMonitorsFileThatReadsSecretsNodeYamlDoesNotAllowIsRefusedByName() {
    long before = status(0).getAppliedIndex();
    String prying = """
        targets:
          - {id: %s, http: {url: "%s", headers: {X-Leak: "${AWS_SECRET_ACCESS_KEY}"}}, interval: 1s, timeout: 800ms}
        """.formatted(LONG_ID, target.url());
    assertThatThrownBy(() -> cluster.apply(prying)).isInstanceOf(StatusRuntimeException.class)
        .hasMessageStartingWith("INVALID_ARGUMENT: monitors.yaml: ${AWS_SECRET_ACCESS_KEY} is not allowed by node.yaml"
            + " secrets:");
    assertThat(cluster.client(0).listTargets(ListTargetsRequest.getDefaultInstance()).getTargets(0).getId())
        .as("nothing changed").isEqualTo(LONG_ID);
    assertThat(status(0).getAppliedIndex()).isGreaterThanOrEqualTo(before);
  }

  @Test
  void twoThousandWatchersThatNeverReadCostTheNodeNothingButRefusals() throws Exception {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(cluster.api(1)).usePlaintext().build();
    List<ClientCallStreamObserver<WatchRequest>> opened = new ArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    try {
      QuorumWatchGrpc.QuorumWatchStub stub = QuorumWatchGrpc.newStub(channel);
      for (int i = 0; i < 2_000; i++) {
        stub.watch(WatchRequest.getDefaultInstance(), new ClientResponseObserver<WatchRequest, Event>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
            call.disableAutoRequestWithInitial(0); // never reads
            synchronized (opened) {
              opened.add(call);
            }
          }

          @Override
          public void onNext(Event value) {
          }

          @Override
          public void onError(Throwable t) {
            if (Status.fromThrowable(t).getCode() == Status.Code.RESOURCE_EXHAUSTED) {
              refused.incrementAndGet();
            }
          }

          @Override
          public void onCompleted() {
          }
        });
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() >= 2_000 - 32);
      long started = System.nanoTime();
      assertThat(status(1).getAppliedIndex()).isPositive();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("the node still answers at once")
          .isLessThan(1_000);
      assertThat(refused.get()).as("32 streams per caller").isEqualTo(2_000 - 32);
    } finally {
      synchronized (opened) {
        opened.forEach(c -> c.cancel("done", null));
      }
    }
    // The slots come back: a reading watcher gets events again.
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      var events = cluster.client(1).withDeadlineAfter(2, TimeUnit.SECONDS).watch(WatchRequest.getDefaultInstance());
      target.setUp(false);
      boolean got = events.hasNext();
      target.setUp(true);
      return got;
    });
    channel.shutdownNow();
  }

  StatusResponse status(int node) {
    return cluster.client(node).withDeadlineAfter(1, TimeUnit.SECONDS).getStatus(StatusRequest.getDefaultInstance());
  }
}
