package dev.quorumwatch.node.api;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.StateCodec;
import dev.quorumwatch.node.alert.NotificationDispatcher;
import dev.quorumwatch.node.alert.ReceiverTester;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.AcknowledgeRequest;
import dev.quorumwatch.proto.UpdateIncidentRequest;
import dev.quorumwatch.proto.AddSilenceRequest;
import dev.quorumwatch.proto.ExpireSilenceRequest;
import dev.quorumwatch.proto.ExplainRequest;
import dev.quorumwatch.proto.ExplainResponse;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.ListDeliveriesRequest;
import dev.quorumwatch.proto.ListDeliveriesResponse;
import dev.quorumwatch.proto.ListSilencesRequest;
import dev.quorumwatch.proto.ListSilencesResponse;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.PendingDelivery;
import dev.quorumwatch.proto.Silence;
import dev.quorumwatch.proto.FailoverRequest;
import dev.quorumwatch.proto.GetActiveEndpointRequest;
import dev.quorumwatch.proto.ListServicesRequest;
import dev.quorumwatch.proto.ListServicesResponse;
import dev.quorumwatch.proto.ServiceState;
import dev.quorumwatch.proto.WatchServicesRequest;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.ApplyResponse;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.LatencySamples;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.StatusPage;
import dev.quorumwatch.proto.TestReceiverRequest;
import dev.quorumwatch.proto.TestReceiverResponse;
import dev.quorumwatch.proto.MembersResponse;
import dev.quorumwatch.proto.ListMembersRequest;
import dev.quorumwatch.proto.RemoveMemberRequest;
import dev.quorumwatch.proto.AddMemberRequest;
import dev.quorumwatch.node.Version;
import dev.quorumwatch.node.backup.BackupFiles;
import dev.quorumwatch.node.backup.BackupSigner;
import dev.quorumwatch.proto.StateSnapshot;
import dev.quorumwatch.proto.BackupRequest;
import dev.quorumwatch.proto.BackupFile;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.ListIncidentsResponse;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.ListTargetsResponse;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.WatchRequest;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCallStreamObserver;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The client API. Reads answer from this node's replica; writes go through Raft. */
public final class QuorumWatchService extends QuorumWatchGrpc.QuorumWatchImplBase {
  /** The start of an UNAVAILABLE answer to a leader-only call while there is no leader: clients ask again. */
  public static final String NO_LEADER = "no leader: the cluster has no quorum";

  private final NodeConfig config;
  private final MonitorStateMachine state;
  private final RaftNode raft;
  private final EventHub events;
  private final EventStreams streams;
  private final Supplier<Map<String, NotificationDispatcher.Attempt>> attempts;
  private final ReceiverTester receiverTester;
  /** What references this node allows: a monitors file is checked against it before it is applied. */
  private final Secrets secrets;
  private final Writes writes;
  private final MembersCalls members;
  private final ServicesCalls services;
  private final TargetsCalls targets;
  private final AlertingCalls alerting;
  /** The last digest computed, with the index it was computed at (a value swapped whole). */
  private volatile IndexedDigest lastDigest;

  public QuorumWatchService(NodeConfig config, MonitorStateMachine state, RaftNode raft, EventHub events,
      ExecutorService watchers, Supplier<Map<String, NotificationDispatcher.Attempt>> attempts,
      ReceiverTester receiverTester, Secrets secrets) {
    this.config = config;
    this.state = state;
    this.raft = raft;
    this.events = events;
    this.streams = new EventStreams(events, watchers);
    this.attempts = attempts;
    this.receiverTester = receiverTester;
    this.secrets = secrets;
    this.writes = new Writes(config, state, raft);
    this.members = new MembersCalls(config, state, raft, writes);
    this.services = new ServicesCalls(state, writes, streams);
    this.targets = new TargetsCalls(state);
    this.alerting = new AlertingCalls(state, writes);
  }

  @Override
  public void testReceiver(TestReceiverRequest request, StreamObserver<TestReceiverResponse> response) {
    if (!raft.isLeaderReady()) {
      String leader = raft.leaderId().orElse("");
      if (leader.isEmpty()) {
        response.onError(Status.UNAVAILABLE.withDescription(NO_LEADER).asRuntimeException());
      } else {
        response.onNext(TestReceiverResponse.newBuilder().setLeaderApi(apiOf(leader)).build());
        response.onCompleted();
      }
      return;
    }
    Optional<ReceiverSpec> receiver = state.read(c -> c.monitors().getReceiversList().stream()
        .filter(r -> r.getId().equals(request.getReceiverId())).findFirst());
    if (receiver.isEmpty()) {
      response.onError(Status.NOT_FOUND.withDescription("no receiver '" + request.getReceiverId()
          + "' in the applied monitors").asRuntimeException());
      return;
    }
    receiverTester.test(receiver.get(), config.clusterId()).whenComplete((outcome, error) -> {
      response.onNext(TestReceiverResponse.newBuilder().setDelivered(outcome.delivered()).setKind(outcome.kind())
          .setOutcome(outcome.outcome()).setDurationMs(outcome.durationMs()).build());
      response.onCompleted();
    });
  }

  @Override
  public void apply(ApplyRequest request, StreamObserver<ApplyResponse> response) {
    String file = request.getFileName().isEmpty() ? "monitors.yaml" : request.getFileName();
    MonitorsSpec spec;
    try {
      spec = MonitorsParser.parse(file, request.getYaml());
    } catch (ConfigException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    String disallowed = secrets.disallowedReference(request.getYaml(), spec);
    if (disallowed != null) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(file + ": " + disallowed + " (on node "
          + config.nodeId() + ")").asRuntimeException());
      return;
    }
    Command command = Command.newBuilder()
        .setApplyMonitors(ApplyMonitors.newBuilder().setSpec(spec).setSource(file))
        .build();
    CommandReply reply = writes.commit(command, file + ": ", response);
    if (reply == null) {
      return;
    }
    // Answered once this replica has it, so what was applied here is read back from here.
    writes.answerAfter(reply, c -> ApplyResponse.newBuilder()
        .setTargets(spec.getTargetsCount())
        .setReceivers(spec.getReceiversCount())
        .setLogIndex(reply.getLogIndex())
        .build(), response);
  }

  @Override
  public void addSilence(AddSilenceRequest request, StreamObserver<Silence> response) {
    alerting.addSilence(request, response);
  }

  @Override
  public void listSilences(ListSilencesRequest request, StreamObserver<ListSilencesResponse> response) {
    alerting.listSilences(request, response);
  }

  @Override
  public void expireSilence(ExpireSilenceRequest request, StreamObserver<Silence> response) {
    alerting.expireSilence(request, response);
  }

  @Override
  public void acknowledge(AcknowledgeRequest request, StreamObserver<Incident> response) {
    alerting.acknowledge(request, response);
  }

  @Override
  public void updateIncident(UpdateIncidentRequest request, StreamObserver<Incident> response) {
    alerting.updateIncident(request, response);
  }

  @Override
  public void listDeliveries(ListDeliveriesRequest request, StreamObserver<ListDeliveriesResponse> response) {
    boolean leading = raft.isLeaderReady();
    Map<String, NotificationDispatcher.Attempt> attempts = leading ? this.attempts.get() : Map.of();
    String leader = raft.leaderId().orElse("");
    ListDeliveriesResponse.Builder out = ListDeliveriesResponse.newBuilder()
        .setAttemptsKnown(leading)
        .setLeaderApi(apiOf(leader));
    state.read(c -> {
      out.setClockMs(c.clockMs()).addAllFailed(c.failedNotifications());
      for (Notification n : c.pendingNotifications()) {
        PendingDelivery.Builder p = PendingDelivery.newBuilder().setNotification(n);
        NotificationDispatcher.Attempt a = attempts.get(n.getId());
        if (a != null) {
          p.setAttempts(a.attempts()).setLastError(a.lastError()).setNextAttemptMs(a.nextAttemptMs());
        }
        out.addPending(p);
      }
      return null;
    });
    response.onNext(out.build());
    response.onCompleted();
  }

  @Override
  public void explain(ExplainRequest request, StreamObserver<ExplainResponse> response) {
    targets.explain(request, response);
  }

  @Override
  public void listTargets(ListTargetsRequest request, StreamObserver<ListTargetsResponse> response) {
    targets.list(request, response);
  }

  public ListTargetsResponse targets() {
    return targets.all();
  }

  @Override
  public void backup(BackupRequest request, StreamObserver<BackupFile> response) {
    long readIndex;
    try {
      readIndex = raft.readIndex().get(Writes.WRITE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
      return;
    } catch (ExecutionException | TimeoutException e) {
      response.onError(Status.UNAVAILABLE.withDescription("the leader did not confirm a read point (no leader or no"
          + " quorum?): " + e.getMessage()).asRuntimeException());
      return;
    }
    // Everything committed before the call is in this replica once it has applied readIndex.
    CommandReply point = CommandReply.newBuilder().setLogIndex(readIndex).build();
    writes.answerAfter(point, c -> {
      StateSnapshot snapshot = StateCodec.snapshot(c);
      BackupFile backup = BackupFile.newBuilder()
          .setFormat(BackupFiles.FORMAT)
          .setBackupId(StateCodec.digest(snapshot))
          .setClusterId(config.clusterId())
          .setLogIndex(state.appliedIndex())
          .setTakenAtMs(System.currentTimeMillis())
          .setVersion(Version.current())
          .setState(snapshot)
          .build();
      return config.backupKey().map(key -> BackupSigner.sign(backup, key)).orElse(backup);
    }, response);
  }

  /** A member's client API address from the replicated settings, else from node.yaml. */
  private String apiOf(String memberId) {
    return state.read(c -> c.clusterSettings().getMembersList().stream().filter(m -> m.getId().equals(memberId))
        .map(Member::getApi).findFirst())
        .or(() -> config.peer(memberId).map(p -> p.api().toString()))
        .orElse("");
  }

  @Override
  public void listMembers(ListMembersRequest request, StreamObserver<MembersResponse> response) {
    members.list(request, response);
  }

  @Override
  public void addMember(AddMemberRequest request, StreamObserver<MembersResponse> response) {
    members.add(request, response);
  }

  @Override
  public void removeMember(RemoveMemberRequest request, StreamObserver<MembersResponse> response) {
    members.remove(request, response);
  }

  @Override
  public void listServices(ListServicesRequest request, StreamObserver<ListServicesResponse> response) {
    services.list(request, response);
  }

  public List<ServiceState> services() {
    return services.all();
  }

  @Override
  public void getActiveEndpoint(GetActiveEndpointRequest request, StreamObserver<ServiceState> response) {
    services.activeEndpoint(request, response);
  }

  @Override
  public void failover(FailoverRequest request, StreamObserver<ServiceState> response) {
    services.failover(request, response);
  }

  @Override
  public void watchServices(WatchServicesRequest request, StreamObserver<ServiceState> response) {
    services.watch(request, response);
  }

  @Override
  public void getStatus(StatusRequest request, StreamObserver<StatusResponse> response) {
    response.onNext(status(true));
    response.onCompleted();
  }

  /**
   * The cluster as this node sees it. {@code withDigest}: also the state digest (it serializes
   * and hashes the whole state; the status page, refreshed every 2 s by every viewer, skips it).
   */
  public StatusResponse status(boolean withDigest) {
    String leader = raft.leaderId().orElse("");
    StatusResponse.Builder status = StatusResponse.newBuilder()
        .setClusterId(config.clusterId())
        .setLeaderId(leader)
        .setLeaderApi(apiOf(leader))
        .setTerm(raft.term())
        .setAnsweredBy(config.nodeId());
    state.read(c -> {
      long applied = state.appliedIndex();
      status.setAppliedIndex(applied)
          .setClockMs(c.clockMs())
          .setStateDigest(withDigest ? digestAt(applied, c) : "")
          .setPendingNotifications(c.pendingNotifications().size());
      status.setQuorum(c.membership().quorum()).addAllMembers(MembersCalls.statuses(c, leader, Map.of()));
      return null;
    });
    return status.build();
  }

  /**
   * The state digest at {@code appliedIndex}, computed once per index: the state changes only
   * by applying an entry, and tools poll the status many times a second while serializing the
   * whole state holds the state machine's lock.
   */
  private String digestAt(long appliedIndex, Coordinator c) {
    IndexedDigest known = lastDigest;
    if (known == null || known.index() != appliedIndex) {
      known = new IndexedDigest(appliedIndex, StateCodec.digest(c));
      lastDigest = known;
    }
    return known.digest();
  }

  private record IndexedDigest(long index, String digest) {}

  @Override
  public void listIncidents(ListIncidentsRequest request, StreamObserver<ListIncidentsResponse> response) {
    response.onNext(ListIncidentsResponse.newBuilder().addAllIncidents(state.read(c -> List.copyOf(c.incidents()))).build());
    response.onCompleted();
  }

  /** What the status page shows: open incidents first, then the {@code recentResolved} latest resolved ones. */
  public StatusPage statusPage(Map<String, List<Long>> latency, int recentResolved) {
    List<Incident> all = state.read(c -> List.copyOf(c.incidents()));
    List<Incident> shown = new ArrayList<>(all.stream().filter(Incident::getOpen).toList());
    List<Incident> resolved = new ArrayList<>(all.stream().filter(i -> !i.getOpen()).toList());
    Collections.reverse(resolved); // newest first
    shown.addAll(resolved.subList(0, Math.min(recentResolved, resolved.size())));
    StatusPage.Builder page = StatusPage.newBuilder()
        .setStatus(status(false))
        .addAllTargets(targets().getTargetsList())
        .addAllIncidents(shown)
        .addAllServices(services())
        .setGeneratedMs(System.currentTimeMillis());
    latency.forEach((target, samples) -> page.putLatency(target, LatencySamples.newBuilder().addAllMs(samples).build()));
    return page.build();
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<Event> response) {
    streams.serve((ServerCallStreamObserver<Event>) response, new EventStreams.Feed<>() {
      @Override
      public void start(EventStreams.Sink<Event> sink) {
      }

      @Override
      public void onEvent(Event e, EventStreams.Sink<Event> sink) throws InterruptedException {
        sink.send(e);
      }
    });
  }
}
