package dev.quorumwatch.node.api;

import dev.quorumwatch.coordinator.StateCodec;
import dev.quorumwatch.coordinator.TargetRow;
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
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The client API. Reads answer from this node's replica; writes go through Raft. */
public final class QuorumWatchService extends QuorumWatchGrpc.QuorumWatchImplBase {
  static final long WRITE_TIMEOUT_S = 15;

  private final NodeConfig config;
  private final MonitorStateMachine state;
  private final RaftNode raft;
  private final EventHub events;
  private final ExecutorService watchers;

  public QuorumWatchService(NodeConfig config, MonitorStateMachine state, RaftNode raft, EventHub events,
      ExecutorService watchers) {
    this.config = config;
    this.state = state;
    this.raft = raft;
    this.events = events;
    this.watchers = watchers;
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
    Command command = Command.newBuilder()
        .setApplyMonitors(ApplyMonitors.newBuilder().setSpec(spec).setSource(file))
        .build();
    CommandReply reply;
    try {
      reply = raft.submit(command).get(WRITE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
      return;
    } catch (ExecutionException | TimeoutException e) {
      response.onError(Status.UNAVAILABLE.withDescription("not committed (no leader or no quorum?): "
          + e.getMessage()).asRuntimeException());
      return;
    }
    if (!reply.getAccepted()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(file + ": " + reply.getError()).asRuntimeException());
      return;
    }
    response.onNext(ApplyResponse.newBuilder()
        .setTargets(spec.getTargetsCount())
        .setReceivers(spec.getReceiversCount())
        .setLogIndex(reply.getLogIndex())
        .build());
    response.onCompleted();
  }

  @Override
  public void getStatus(StatusRequest request, StreamObserver<StatusResponse> response) {
    String leader = raft.leaderId().orElse("");
    StatusResponse.Builder status = StatusResponse.newBuilder()
        .setClusterId(config.clusterId())
        .setLeaderId(leader)
        .setLeaderApi(config.peer(leader).map(p -> p.api().toString()).orElse(""))
        .setTerm(raft.term())
        .setAnsweredBy(config.nodeId())
        .setQuorum(config.quorum());
    state.read(c -> {
      status.setAppliedIndex(state.appliedIndex())
          .setClockMs(c.clockMs())
          .setStateDigest(StateCodec.digest(c))
          .setPendingNotifications(c.pendingNotifications().size());
      for (NodeConfig.Peer p : config.peers()) {
        NodeRecord node = c.membership().node(p.id()).orElse(NodeRecord.getDefaultInstance());
        status.addMembers(MemberStatus.newBuilder()
            .setId(p.id())
            .setRegion(node.getRegion().isEmpty() ? p.region() : node.getRegion())
            .setApi(p.api().toString())
            .setRole(leader.isEmpty() ? "UNKNOWN" : leader.equals(p.id()) ? "LEADER" : "FOLLOWER")
            .setFresh(c.membership().isFresh(p.id(), c.clockMs()))
            .setLastHeartbeatMs(node.getLastHeartbeatMs()));
      }
      return null;
    });
    response.onNext(status.build());
    response.onCompleted();
  }

  @Override
  public void listTargets(ListTargetsRequest request, StreamObserver<ListTargetsResponse> response) {
    List<TargetRow> rows = state.read(c -> c.targetRows());
    List<Member> members = state.read(c -> c.clusterSettings().getMembersList());
    ListTargetsResponse.Builder out = ListTargetsResponse.newBuilder();
    for (TargetRow row : rows) {
      TargetStatus.Builder t = TargetStatus.newBuilder()
          .setId(row.spec().getId())
          .setVerdict(row.verdict())
          .setSinceMs(row.verdictSinceMs())
          .setUptime24H(row.uptime24h())
          .setUptime7D(row.uptime7d())
          .setUptime30D(row.uptime30d())
          .setOpenIncidentId(row.openIncidentId());
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
          }).setFailureClass(vote.getFailureClass()).setDetail(vote.getDetail());
        }
        t.addVotes(v);
      }
      out.addTargets(t);
    }
    response.onNext(out.build());
    response.onCompleted();
  }

  @Override
  public void listIncidents(ListIncidentsRequest request, StreamObserver<ListIncidentsResponse> response) {
    response.onNext(ListIncidentsResponse.newBuilder().addAllIncidents(state.read(c -> List.copyOf(c.incidents()))).build());
    response.onCompleted();
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<Event> response) {
    ServerCallStreamObserver<Event> call = (ServerCallStreamObserver<Event>) response;
    EventHub.Subscription subscription = events.subscribe();
    call.setOnCancelHandler(subscription::close);
    watchers.execute(() -> {
      try {
        while (!call.isCancelled()) {
          Event e = subscription.queue().poll(1, TimeUnit.SECONDS);
          if (e != null) {
            call.onNext(e);
          } else if (subscription.overflowed()) {
            call.onError(Status.RESOURCE_EXHAUSTED.withDescription("watcher too slow; reconnect").asRuntimeException());
            return;
          }
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        call.onError(Status.UNAVAILABLE.withDescription("node stopping").asRuntimeException());
      } catch (RuntimeException ignored) {
        // the client went away
      } finally {
        subscription.close();
      }
    });
  }
}
