package dev.quorumwatch.node.api;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.StateCodec;
import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.node.alert.NotificationDispatcher;
import dev.quorumwatch.node.alert.ReceiverTester;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.AcknowledgeRequest;
import dev.quorumwatch.proto.Acknowledge;
import dev.quorumwatch.proto.AddSilence;
import dev.quorumwatch.proto.AddSilenceRequest;
import dev.quorumwatch.proto.ExpireSilence;
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
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceState;
import dev.quorumwatch.proto.SetActiveEndpoint;
import dev.quorumwatch.proto.WatchServicesRequest;
import dev.quorumwatch.coordinator.TargetRow;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.Durations;
import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.ApplyResponse;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.node.auth.TokenAuthInterceptor;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.LatencySamples;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.StatusPage;
import dev.quorumwatch.proto.TestReceiverRequest;
import dev.quorumwatch.proto.TestReceiverResponse;
import java.io.IOException;
import dev.quorumwatch.node.raft.ClusterSettings;
import dev.quorumwatch.node.raft.RaftMember;
import dev.quorumwatch.proto.SetCluster;
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
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.ListIncidentsResponse;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.ListTargetsResponse;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.MemberStatus;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.NodeRecord;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import dev.quorumwatch.proto.RegionVote;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.TargetStatus;
import dev.quorumwatch.proto.VoteRecord;
import dev.quorumwatch.proto.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client API. Reads answer from this node's replica; writes go through Raft. */
public final class QuorumWatchService extends QuorumWatchGrpc.QuorumWatchImplBase {
  static final long WRITE_TIMEOUT_S = 15;
  /** Free text an operator attaches (comments, reasons, names): kept in the replicated state, so bounded. */
  static final int TEXT_MAX = 1024;
  static final int EXPLAIN_INCIDENTS = 10;
  /** The start of an UNAVAILABLE answer to a leader-only call while there is no leader: clients ask again. */
  public static final String NO_LEADER = "no leader: the cluster has no quorum";

  private static final Logger log = LoggerFactory.getLogger(QuorumWatchService.class);
  private final NodeConfig config;
  private final MonitorStateMachine state;
  private final RaftNode raft;
  private final EventHub events;
  private final EventStreams streams;
  private final Supplier<Map<String, NotificationDispatcher.Attempt>> attempts;
  private final ReceiverTester receiverTester;
  /** What references this node allows: a monitors file is checked against it before it is applied. */
  private final Secrets secrets;
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
    CommandReply reply = commit(command, file + ": ", response);
    if (reply == null) {
      return;
    }
    response.onNext(ApplyResponse.newBuilder()
        .setTargets(spec.getTargetsCount())
        .setReceivers(spec.getReceiversCount())
        .setLogIndex(reply.getLogIndex())
        .build());
    response.onCompleted();
  }

  /**
   * Answers INVALID_ARGUMENT naming the first of {@code fields} (name, value, name, value...)
   * longer than {@link #TEXT_MAX}; true when one was.
   */
  private static boolean tooLong(StreamObserver<?> response, String... fields) {
    for (int i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i + 1].length() > TEXT_MAX) {
        response.onError(Status.INVALID_ARGUMENT.withDescription(fields[i] + ": expected at most " + TEXT_MAX
            + " characters, got " + fields[i + 1].length()).asRuntimeException());
        return true;
      }
    }
    return false;
  }

  /** Who made a change: the caller's token name when the API checks tokens, else what the caller claims. */
  private static String who(String claimed) {
    String token = TokenAuthInterceptor.TOKEN_NAME.get();
    return token != null ? token : claimed;
  }

  /** Commits a command; on failure answers the call with the reason and returns null. */
  private CommandReply commit(Command command, String errorPrefix, StreamObserver<?> response) {
    CommandReply reply;
    try {
      reply = raft.submit(command).get(WRITE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
      return null;
    } catch (ExecutionException | TimeoutException e) {
      response.onError(Status.UNAVAILABLE.withDescription("not committed (no leader or no quorum?): "
          + e.getMessage()).asRuntimeException());
      return null;
    }
    if (!reply.getAccepted()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(errorPrefix + reply.getError()).asRuntimeException());
      return null;
    }
    return reply;
  }

  /** Answers from this replica once it has applied the committed command (it may be a follower). */
  private <T> void answerAfter(CommandReply reply, Function<Coordinator, T> reader, StreamObserver<T> response) {
    try {
      Optional<T> answer = state.readAfter(reply.getLogIndex(), WRITE_TIMEOUT_S * 1000, reader);
      if (answer.isEmpty()) {
        response.onError(Status.UNAVAILABLE.withDescription("committed at index " + reply.getLogIndex()
            + " but not yet applied on " + config.nodeId() + "; ask again").asRuntimeException());
        return;
      }
      response.onNext(answer.get());
      response.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
    }
  }

  @Override
  public void addSilence(AddSilenceRequest request, StreamObserver<Silence> response) {
    if (tooLong(response, "comment", request.getComment(), "created_by", request.getCreatedBy())) {
      return;
    }
    AddSilence.Builder add = AddSilence.newBuilder().setDurationMs(request.getDurationMs())
        .setComment(request.getComment()).setCreatedBy(who(request.getCreatedBy()));
    if (request.getMatchersCount() == 0) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("matchers: at least one is needed, e.g. service=api")
          .asRuntimeException());
      return;
    }
    if (request.getDurationMs() <= 0 || request.getDurationMs() > Durations.MAX_MS) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("duration: expected a positive duration of at most"
          + " 3650d, got " + request.getDurationMs() + " ms").asRuntimeException());
      return;
    }
    for (String text : request.getMatchersList()) {
      try {
        add.addMatchers(Matchers.parse(text));
      } catch (IllegalArgumentException e) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("matchers: " + e.getMessage()).asRuntimeException());
        return;
      }
    }
    CommandReply reply = commit(Command.newBuilder().setAddSilence(add).build(), "", response);
    if (reply != null) {
      answerAfter(reply, c -> c.silences().stream().filter(x -> x.getId().equals(reply.getCreatedId())).findFirst()
          .orElseThrow(), response);
    }
  }

  @Override
  public void listSilences(ListSilencesRequest request, StreamObserver<ListSilencesResponse> response) {
    response.onNext(state.read(c -> ListSilencesResponse.newBuilder().addAllSilences(c.silences())
        .setClockMs(c.clockMs()).build()));
    response.onCompleted();
  }

  @Override
  public void expireSilence(ExpireSilenceRequest request, StreamObserver<Silence> response) {
    CommandReply reply = commit(Command.newBuilder().setExpireSilence(ExpireSilence.newBuilder()
        .setSilenceId(request.getSilenceId())).build(), "", response);
    if (reply != null) {
      answerAfter(reply, c -> c.silences().stream().filter(x -> x.getId().equals(request.getSilenceId())).findFirst()
          .orElseThrow(), response);
    }
  }

  @Override
  public void acknowledge(AcknowledgeRequest request, StreamObserver<Incident> response) {
    if (tooLong(response, "comment", request.getComment(), "by", request.getBy())) {
      return;
    }
    String by = who(request.getBy());
    if (by.isBlank()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("by: who acknowledges is required").asRuntimeException());
      return;
    }
    CommandReply reply = commit(Command.newBuilder().setAcknowledge(Acknowledge.newBuilder()
        .setIncidentId(request.getIncidentId()).setBy(by).setComment(request.getComment())).build(),
        "", response);
    if (reply != null) {
      answerAfter(reply, c -> c.incident(request.getIncidentId()).orElseThrow(), response);
    }
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
    ExplainResponse explained = state.read(c -> {
      List<Member> members = c.clusterSettings().getMembersList();
      for (TargetRow row : c.targetRows()) {
        if (!row.spec().getId().equals(request.getTargetId())) {
          continue;
        }
        ExplainResponse.Builder out = ExplainResponse.newBuilder()
            .setTarget(targetStatus(row, members))
            .setQuorum(c.membership().quorum())
            .addAllHistory(row.history())
            .setClockMs(c.clockMs());
        List<Incident> mine = new ArrayList<>();
        for (Incident i : c.incidents()) {
          if (i.getTargetId().equals(row.spec().getId())) {
            mine.add(i);
          }
        }
        mine.sort(Comparator.comparing(Incident::getOpen).reversed());
        out.addAllIncidents(mine.subList(0, Math.min(mine.size(), EXPLAIN_INCIDENTS)));
        String by = c.silencedBy(AlertLabels.ofTarget(row.spec(), Coordinator.ALERT_TARGET_DOWN, "critical",
            c.membership().clusterId()));
        out.setSilencedBy(by == null ? "" : by);
        return out.build();
      }
      return null;
    });
    if (explained == null) {
      response.onError(Status.NOT_FOUND.withDescription("no target '" + request.getTargetId() + "'").asRuntimeException());
      return;
    }
    response.onNext(explained);
    response.onCompleted();
  }

  @Override
  public void backup(BackupRequest request, StreamObserver<BackupFile> response) {
    long readIndex;
    try {
      readIndex = raft.readIndex().get(WRITE_TIMEOUT_S, TimeUnit.SECONDS);
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
    answerAfter(point, c -> {
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

  /** One row per replicated member; {@code raftAddresses} adds peer addresses where known. */
  private static List<MemberStatus> memberStatuses(Coordinator c, String leader, Map<String, String> raftAddresses) {
    List<MemberStatus> out = new ArrayList<>();
    for (Member m : c.clusterSettings().getMembersList()) {
      NodeRecord node = c.membership().node(m.getId()).orElse(NodeRecord.getDefaultInstance());
      out.add(MemberStatus.newBuilder()
          .setId(m.getId())
          .setRegion(m.getRegion())
          .setApi(m.getApi())
          .setRaft(raftAddresses.getOrDefault(m.getId(), ""))
          .setRole(leader.isEmpty() ? "UNKNOWN" : leader.equals(m.getId()) ? "LEADER" : "FOLLOWER")
          .setFresh(c.membership().isFresh(m.getId(), c.clockMs()))
          .setLastHeartbeatMs(node.getLastHeartbeatMs())
          .build());
    }
    return out;
  }

  @Override
  public void listMembers(ListMembersRequest request, StreamObserver<MembersResponse> response) {
    Map<String, String> raftAddresses = new HashMap<>();
    raft.raftMembers().ifPresent(ms -> ms.forEach(m -> raftAddresses.put(m.id(), m.raft())));
    String leader = raft.leaderId().orElse("");
    response.onNext(state.read(c -> MembersResponse.newBuilder()
        .addAllMembers(memberStatuses(c, leader, raftAddresses))
        .setQuorum(c.membership().quorum())
        .build()));
    response.onCompleted();
  }

  @Override
  public void addMember(AddMemberRequest request, StreamObserver<MembersResponse> response) {
    String problem = MemberRequests.problem(request);
    if (problem != null) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
      return;
    }
    Optional<List<RaftMember>> current = raft.raftMembers();
    if (current.isEmpty()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("a membership change is under way; try again when it"
          + " is done").asRuntimeException());
      return;
    }
    RaftMember added = new RaftMember(request.getId(), request.getRaft());
    Optional<RaftMember> existing = current.get().stream().filter(m -> m.id().equals(added.id())).findFirst();
    if (existing.isPresent() && !existing.get().raft().equals(added.raft())) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("member " + added.id() + " exists with raft address "
          + existing.get().raft() + "; remove it first to move it").asRuntimeException());
      return;
    }
    List<RaftMember> next = new ArrayList<>(current.get());
    if (existing.isEmpty()) {
      next.add(added);
      if (!changeMembers(next, "add " + added.id(), response)) {
        return;
      }
    }
    Member member = Member.newBuilder().setId(added.id())
        .setRegion(request.getRegion().isEmpty() ? added.id() : request.getRegion()).setApi(request.getApi()).build();
    commitMembers(next, Optional.of(member), response);
  }

  @Override
  public void removeMember(RemoveMemberRequest request, StreamObserver<MembersResponse> response) {
    Optional<List<RaftMember>> current = raft.raftMembers();
    if (current.isEmpty()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("a membership change is under way; try again when it"
          + " is done").asRuntimeException());
      return;
    }
    List<RaftMember> next = current.get().stream().filter(m -> !m.id().equals(request.getId())).toList();
    if (next.size() == current.get().size()) {
      response.onError(Status.NOT_FOUND.withDescription("id: no member " + request.getId() + " (members: "
          + current.get().stream().map(RaftMember::id).toList() + ")").asRuntimeException());
      return;
    }
    if (next.isEmpty()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("id: " + request.getId()
          + " is the last member; a cluster needs one").asRuntimeException());
      return;
    }
    if (!changeMembers(next, "remove " + request.getId(), response)) {
      return;
    }
    commitMembers(next, Optional.empty(), response);
  }

  private boolean changeMembers(List<RaftMember> next, String what, StreamObserver<?> response) {
    try {
      raft.changeMembers(next);
      log.info("raft configuration changed node={} change=\"{}\" members={}", config.nodeId(), what,
          next.stream().map(RaftMember::id).toList());
      return true;
    } catch (IOException e) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(what + ": the Raft configuration change did not"
          + " complete (is the new node running with --join, reachable from the leader at its raft address, and, with TLS,"
          + " holding a certificate from the cluster CA?): " + e.getMessage()).asRuntimeException());
      return false;
    }
  }

  /** Commits the settings for the new configuration and answers with the members after it. */
  private void commitMembers(List<RaftMember> members, Optional<Member> update, StreamObserver<MembersResponse> response) {
    SetCluster settings = ClusterSettings.of(config, members, state.read(Coordinator::clusterSettings), update);
    CommandReply reply = commit(Command.newBuilder().setSetCluster(settings).build(), "cluster settings: ", response);
    if (reply == null) {
      return;
    }
    Map<String, String> raftAddresses = new HashMap<>();
    members.forEach(m -> raftAddresses.put(m.id(), m.raft()));
    String leader = raft.leaderId().orElse("");
    answerAfter(reply, c -> MembersResponse.newBuilder().addAllMembers(memberStatuses(c, leader, raftAddresses))
        .setQuorum(c.membership().quorum()).build(), response);
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
      status.setQuorum(c.membership().quorum()).addAllMembers(memberStatuses(c, leader, Map.of()));
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
  public void listTargets(ListTargetsRequest request, StreamObserver<ListTargetsResponse> response) {
    response.onNext(targets());
    response.onCompleted();
  }

  public ListTargetsResponse targets() {
    return state.read(c -> {
      List<Member> members = c.clusterSettings().getMembersList();
      ListTargetsResponse.Builder targets = ListTargetsResponse.newBuilder();
      for (TargetRow row : c.targetRows()) {
        TargetStatus.Builder status = targetStatus(row, members).toBuilder();
        c.repair(row.spec().getId()).ifPresent(status::setRepair);
        targets.addTargets(status);
      }
      return targets.build();
    });
  }

  private static TargetStatus targetStatus(TargetRow row, List<Member> members) {
    TargetStatus.Builder t = TargetStatus.newBuilder()
        .setId(row.spec().getId())
        .setVerdict(row.verdict())
        .setSinceMs(row.verdictSinceMs())
        .setUptime24H(row.uptime24h())
        .setUptime7D(row.uptime7d())
        .setUptime30D(row.uptime30d())
        .setOpenIncidentId(row.openIncidentId())
        .setWarningIncidentId(row.warningIncidentId())
        .setRateLimited(row.rateLimitedSinceMs() != 0)
        .setRateLimitedSinceMs(row.rateLimitedSinceMs())
        .setRateLimitIncidentId(row.rateLimitIncidentId());
    for (Label l : row.spec().getLabelsList()) {
      t.putLabels(l.getName(), l.getValue());
    }
    for (Member m : members) {
      VoteRecord vote = row.votesByNode().get(m.getId());
      RegionVote.Builder v = RegionVote.newBuilder().setNodeId(m.getId()).setRegion(m.getRegion());
      if (vote == null) {
        v.setVote("none");
      } else if (!row.freshByNode().getOrDefault(m.getId(), false)) {
        v.setVote("stale");
      } else {
        v.setVote(switch (vote.getState()) {
          case VOTE_UP -> "up";
          case VOTE_DOWN -> "down";
          case VOTE_SLOW -> "slow";
          default -> "none";
        }).setFailureClass(vote.getFailureClass()).setDetail(vote.getDetail()).setSinceMs(vote.getSinceMs())
            .setWithdrawn(vote.getWithdrawn()).setRateLimited(vote.getRateLimited());
      }
      t.addVotes(v);
    }
    return t.build();
  }

  @Override
  public void listIncidents(ListIncidentsRequest request, StreamObserver<ListIncidentsResponse> response) {
    response.onNext(ListIncidentsResponse.newBuilder().addAllIncidents(state.read(c -> List.copyOf(c.incidents()))).build());
    response.onCompleted();
  }

  @Override
  public void listServices(ListServicesRequest request, StreamObserver<ListServicesResponse> response) {
    response.onNext(ListServicesResponse.newBuilder().addAllServices(services()).build());
    response.onCompleted();
  }

  public List<ServiceState> services() {
    return state.read(ServiceStates::all);
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
  public void getActiveEndpoint(GetActiveEndpointRequest request, StreamObserver<ServiceState> response) {
    Optional<ServiceState> found = state.read(c -> ServiceStates.one(c, request.getService()));
    if (found.isEmpty()) {
      response.onError(Status.NOT_FOUND.withDescription("no service " + request.getService()).asRuntimeException());
      return;
    }
    response.onNext(found.get());
    response.onCompleted();
  }

  @Override
  public void failover(FailoverRequest request, StreamObserver<ServiceState> response) {
    if (tooLong(response, "reason", request.getReason(), "by", request.getBy())) {
      return;
    }
    String by = who(request.getBy());
    if (by.isBlank()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("by: who moves the service is required")
          .asRuntimeException());
      return;
    }
    CommandReply reply = commit(Command.newBuilder().setSetActiveEndpoint(SetActiveEndpoint.newBuilder()
        .setServiceId(request.getService()).setEndpoint(request.getTo()).setReason(request.getReason())
        .setBy(by)).build(), "", response);
    if (reply != null) {
      answerAfter(reply, c -> ServiceStates.one(c, request.getService()).orElseThrow(), response);
    }
  }

  /**
   * Subscribes before reading the current states, so no change falls between the two; a
   * change already in the first answer is skipped by its version.
   */
  @Override
  public void watchServices(WatchServicesRequest request, StreamObserver<ServiceState> response) {
    Map<String, Long> sent = new HashMap<>();
    streams.serve((ServerCallStreamObserver<ServiceState>) response, new EventStreams.Feed<>() {
      @Override
      public void start(EventStreams.Sink<ServiceState> sink) throws InterruptedException {
        for (ServiceState s : state.read(ServiceStates::all)) {
          if (!sink.send(s)) {
            return;
          }
          sent.put(s.getService(), s.getVersion());
        }
      }

      @Override
      public void onEvent(Event e, EventStreams.Sink<ServiceState> sink) throws InterruptedException {
        if (!e.hasService() || e.getService().getVersion() <= sent.getOrDefault(e.getService().getServiceId(), 0L)) {
          return;
        }
        ServiceRecord r = e.getService();
        Optional<ServiceState> s = state.read(c -> ServiceStates.spec(c, r.getServiceId())
            .map(spec -> ServiceStates.of(c, spec, r)));
        if (s.isPresent() && sink.send(s.get())) {
          sent.put(r.getServiceId(), r.getVersion());
        }
      }
    });
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
