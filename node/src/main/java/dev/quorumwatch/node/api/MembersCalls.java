package dev.quorumwatch.node.api;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import java.io.IOException;
import dev.quorumwatch.node.raft.ClusterSettings;
import dev.quorumwatch.node.raft.RaftMember;
import dev.quorumwatch.proto.SetCluster;
import dev.quorumwatch.proto.MembersResponse;
import dev.quorumwatch.proto.ListMembersRequest;
import dev.quorumwatch.proto.RemoveMemberRequest;
import dev.quorumwatch.proto.AddMemberRequest;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.MemberStatus;
import dev.quorumwatch.proto.NodeRecord;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The membership calls: list the members, add one, remove one (the Raft configuration first, then the settings). */
final class MembersCalls {
  private static final Logger log = LoggerFactory.getLogger(MembersCalls.class);
  private final NodeConfig config;
  private final MonitorStateMachine state;
  private final RaftNode raft;
  private final Writes writes;

  MembersCalls(NodeConfig config, MonitorStateMachine state, RaftNode raft, Writes writes) {
    this.config = config;
    this.state = state;
    this.raft = raft;
    this.writes = writes;
  }

  /** One row per replicated member; {@code raftAddresses} adds peer addresses where known. */
  static List<MemberStatus> statuses(Coordinator c, String leader, Map<String, String> raftAddresses) {
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

  void list(ListMembersRequest request, StreamObserver<MembersResponse> response) {
    Map<String, String> raftAddresses = new HashMap<>();
    raft.raftMembers().ifPresent(ms -> ms.forEach(m -> raftAddresses.put(m.id(), m.raft())));
    String leader = raft.leaderId().orElse("");
    response.onNext(state.read(c -> MembersResponse.newBuilder()
        .addAllMembers(statuses(c, leader, raftAddresses))
        .setQuorum(c.membership().quorum())
        .build()));
    response.onCompleted();
  }

  void add(AddMemberRequest request, StreamObserver<MembersResponse> response) {
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

  void remove(RemoveMemberRequest request, StreamObserver<MembersResponse> response) {
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
    CommandReply reply = writes.commit(Command.newBuilder().setSetCluster(settings).build(), "cluster settings: ", response);
    if (reply == null) {
      return;
    }
    Map<String, String> raftAddresses = new HashMap<>();
    members.forEach(m -> raftAddresses.put(m.id(), m.raft()));
    String leader = raft.leaderId().orElse("");
    writes.answerAfter(reply, c -> MembersResponse.newBuilder().addAllMembers(statuses(c, leader, raftAddresses))
        .setQuorum(c.membership().quorum()).build(), response);
  }
}
