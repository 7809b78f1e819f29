package dev.quorumwatch.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.raft.RaftSettings;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.node.testing.YamlMutations;
import dev.quorumwatch.proto.AcknowledgeRequest;
import dev.quorumwatch.proto.AddSilenceRequest;
import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.ExpireSilenceRequest;
import dev.quorumwatch.proto.ExplainRequest;
import dev.quorumwatch.proto.FailoverRequest;
import dev.quorumwatch.proto.GetActiveEndpointRequest;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.QuorumWatchGrpc.QuorumWatchBlockingStub;
import dev.quorumwatch.proto.RemoveMemberRequest;
import dev.quorumwatch.proto.Verdict;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random and damaged requests to every API call that takes input, against a real 3-node
 * cluster: each is answered, or refused with a status that says why (INVALID_ARGUMENT,
 * NOT_FOUND, FAILED_PRECONDITION...) and a message; never INTERNAL or UNKNOWN (an exception
 * that escaped), and no node goes down. AddMember is left out: a well-formed random member
 * would be staged for the 15 s staging timeout per try (MembershipTest covers its refusals).
 */
class ApiPropertiesTest {
  /** jqwik runs no JUnit extensions: this class starts and stops its cluster itself. */
  static final RealClusters clusters = TestClusters.extension();

  static final Set<Status.Code> ESCAPED = EnumSet.of(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.UNAVAILABLE,
      Status.Code.DEADLINE_EXCEEDED);
  static final List<String> MEMBERS = List.of("us-west", "us-east", "eu-west");

  static LocalCluster cluster;
  static TargetServer target;
  static WebhookReceiver receiver;
  static String monitors;

  /** One API call with its request, shown when a try fails. */
  record ApiCall(String request, Consumer<QuorumWatchBlockingStub> call) {
    @Override
    public String toString() {
      return request;
    }
  }

  @BeforeContainer
  static void startCluster() throws Exception {
    target = new TargetServer();
    receiver = new WebhookReceiver();
    cluster = clusters.started("api-properties", 3);
    monitors = """
        targets:
          - id: api
            http: {url: "%1$s", headers: {X-Probe: "${QW_TEST_WEBHOOK_SECRET}"}}
            interval: 1s
            timeout: 800ms
            labels: {service: api}
          - id: api-backup
            tcp: {address: "%3$s"}
        services:
          - id: api
            endpoints: [api, api-backup]
        receivers:
          - id: ops
            webhook: {url: "%2$s", secret_env: QW_TEST_WEBHOOK_SECRET}
            route: {match: ["service=~api.*"], group_by: [service], repeat_interval: 1h}
        """.formatted(target.url(), receiver.url(), java.net.URI.create(target.url()).getAuthority());
    cluster.apply(monitors);
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 20_000)).isTrue();
  }

  @AfterContainer
  static void stopCluster() throws Exception {
    try {
      assertThat(Agreement.awaitConverged(cluster, 30_000)).as("the replicas agree after the flood").isTrue();
    } finally {
      cluster.close();
      target.close();
      receiver.close();
    }
  }

  @Property(tries = 150)
  void everyRequestIsAnsweredOrRefusedWithAReason(@ForAll("calls") ApiCall call) {
    int node = cluster.anyRunning();
    String method = call.request().split(" ", 2)[0];
    try {
      call.call().accept(cluster.client(node));
      Statistics.collect(method, "OK");
    } catch (StatusRuntimeException e) {
      Statistics.collect(method, e.getStatus().getCode().toString());
      assertThat(e.getStatus().getCode()).as(call + " -> " + e.getStatus()).isNotIn(ESCAPED);
      assertThat(e.getStatus().getDescription()).as(call + " -> " + e.getStatus()).isNotBlank();
    }
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(cluster.isRunning(i)).as(cluster.id(i) + " still runs after " + call).isTrue();
    }
  }

  @Example
  void aCommandThatFailsValidationNeverReachesTheLog() throws Exception {
    int node = cluster.anyRunning();
    for (Runnable refused : List.<Runnable>of(
        () -> cluster.client(node).expireSilence(ExpireSilenceRequest.newBuilder().setSilenceId("sil-nope").build()),
        () -> cluster.client(node).acknowledge(AcknowledgeRequest.newBuilder().setIncidentId("inc-nope").setBy("x").build()))) {
      assertThatThrownBy(refused::run).isInstanceOfSatisfying(StatusRuntimeException.class,
          e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }
    // Refused by the leader before appending: no replica ever applied one (random requests of
    // these kinds cannot succeed either: there is no silence or incident to name).
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < cluster.size(); i++) {
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort(i) + "/metrics"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("quorumwatch_raft_applied_expire_silence 0", "quorumwatch_raft_applied_acknowledge 0")
          .containsPattern("quorumwatch_raft_applied_report_view [1-9]");
    }
  }

  @Example
  void anApplyAnswersOnceTheFollowerAskedHasAppliedIt() throws Exception {
    int leader = cluster.awaitLeader(10_000);
    for (int round = 1; round <= 5; round++) {
      for (int node = 0; node < cluster.size(); node++) {
        if (node == leader) {
          continue;
        }
        String tag = "round-" + round + "-" + cluster.id(node);
        cluster.client(node).apply(ApplyRequest.newBuilder()
            .setYaml(monitors.replace("labels: {service: api}", "labels: {service: api, written: " + tag + "}"))
            .setFileName("monitors.yaml").build());
        // Read back at once from the node written to: a follower learns of a commit from the
        // leader's next message, up to a Raft heartbeat later than the leader's answer.
        assertThat(cluster.client(node).listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList())
            .as("what %s shows right after it answered the apply", cluster.id(node))
            .anySatisfy(t -> assertThat(t.getLabelsMap()).containsEntry("written", tag));
      }
    }
    cluster.apply(monitors);
  }

  @Example
  void aMonitorsFileTooLargeForOneLogEntryIsRefusedByItsSizeAndChangesNothing() {
    // Within the API's 8 MiB and the YAML parser's 3 Mi characters: two bytes a character.
    StringBuilder yaml = new StringBuilder("targets:\n");
    String note = "\u00e9".repeat(1000);
    for (int i = 0; i < 2500; i++) {
      yaml.append("  - {id: big-").append(i).append(", tcp: {address: \"127.0.0.1:1\"}, labels: {note: \"")
          .append(note).append("\"}}\n");
    }
    assertThatThrownBy(() -> cluster.client(cluster.anyRunning()).apply(ApplyRequest.newBuilder()
        .setYaml(yaml.toString()).setFileName("big.yaml").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription())
              .startsWith("big.yaml: expected at most " + RaftSettings.COMMAND_BYTES_MAX + " bytes once encoded");
        });
    assertThat(cluster.client(cluster.anyRunning()).listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList())
        .noneMatch(t -> t.getId().startsWith("big-"));
  }

  @Example
  void freeTextIsBoundedSinceEveryReplicaKeepsIt() {
    assertThatThrownBy(() -> cluster.client(cluster.anyRunning()).addSilence(AddSilenceRequest.newBuilder()
        .addMatchers("service=api").setDurationMs(60_000).setComment("c".repeat(2000)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("comment: expected at most 1024 characters, got 2000");
        });
  }

  static Arbitrary<String> text() {
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20), Arbitraries.of("", "api", "api-backup", "ops",
        "service=api", "service=~api.*", "target!~x", "=", "a==b", "x=~(", "service", "\u0000", "x".repeat(5000),
        "../../etc/passwd", "us-west", "${HOME}", "ops/api/1"));
  }

  static Arbitrary<Long> durations() {
    return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, -1L, 1L, 60_000L, Long.MAX_VALUE, Long.MIN_VALUE,
        365L * 24 * 3_600_000L * 1000));
  }

  @Provide
  Arbitrary<ApiCall> calls() {
    Arbitrary<ApiCall> apply = Combinators.combine(Arbitraries.lazy(() -> YamlMutations.of(monitors)), text()).as(
        (yaml, file) -> new ApiCall("Apply " + file + ":\n" + yaml,
            s -> s.apply(ApplyRequest.newBuilder().setYaml(yaml).setFileName(file).build())));
    Arbitrary<ApiCall> silence = Combinators.combine(text().list().ofMaxSize(4), durations(), text(), text()).as(
        (matchers, duration, comment, by) -> new ApiCall("AddSilence " + matchers + " for " + duration + " ms",
            s -> s.addSilence(AddSilenceRequest.newBuilder().addAllMatchers(matchers).setDurationMs(duration)
                .setComment(comment).setCreatedBy(by).build())));
    Arbitrary<ApiCall> expire = text().map(id -> new ApiCall("ExpireSilence " + id,
        s -> s.expireSilence(ExpireSilenceRequest.newBuilder().setSilenceId(id).build())));
    Arbitrary<ApiCall> ack = Combinators.combine(text(), text(), text()).as((id, by, comment) -> new ApiCall(
        "Acknowledge " + id, s -> s.acknowledge(AcknowledgeRequest.newBuilder().setIncidentId(id).setBy(by)
            .setComment(comment).build())));
    Arbitrary<ApiCall> failover = Combinators.combine(text(), text(), text()).as((service, to, reason) -> new ApiCall(
        "Failover " + service + " to " + to, s -> s.failover(FailoverRequest.newBuilder().setService(service).setTo(to)
            .setReason(reason).build())));
    Arbitrary<ApiCall> explain = text().map(id -> new ApiCall("Explain " + id,
        s -> s.explain(ExplainRequest.newBuilder().setTargetId(id).build())));
    Arbitrary<ApiCall> endpoint = text().map(id -> new ApiCall("GetActiveEndpoint " + id,
        s -> s.getActiveEndpoint(GetActiveEndpointRequest.newBuilder().setService(id).build())));
    Arbitrary<ApiCall> remove = text().filter(id -> !MEMBERS.contains(id)).map(id -> new ApiCall("RemoveMember " + id,
        s -> s.removeMember(RemoveMemberRequest.newBuilder().setId(id).build())));
    return Arbitraries.oneOf(apply, silence, expire, ack, failover, explain, endpoint, remove);
  }
}
