package dev.quorumwatch.node.raft;

import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.node.backup.RestoreSeed;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.tls.NodeTls;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.ReconfigurationTimeoutException;
import org.apache.ratis.retry.ExceptionDependentRetry;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's Raft member (server) and its client into the group. Owns everything Ratis:
 * configuration, group identity, leadership questions.
 */
public final class RaftNode implements CommandSink, LeadershipWatcher.RaftView, AutoCloseable {
  static final long LEADERSHIP_CHECK_TIMEOUT_MS = 1_000;
  /** A new member first catches up on the log (or a snapshot) before the change commits. */
  static final long MEMBERSHIP_CHANGE_TIMEOUT_MS = 60_000;
  private static final Logger log = LoggerFactory.getLogger(RaftNode.class);

  private final NodeConfig config;
  private final RaftGroup group;
  private final RaftPeerId selfId;
  private final RaftServer server;
  /** Mutual TLS for the server and this node's clients, when node.yaml has a tls section; empty otherwise. */
  private final Parameters tlsParameters;
  private final ClientConnections writeConnections;
  private final RaftWrites writes;
  private final PeerBackoffReset backoffReset;
  private final ClientId leadershipClientId = ClientId.randomId();
  private final AtomicLong leadershipCallIds = new AtomicLong();

  /**
   * {@code join}: this node is being added to a running cluster. On its first start it knows
   * no members, so it never campaigns: a node that asked for votes before being added would be
   * told by the members (which do not list it) to shut down. It waits for the leader instead.
   */
  public RaftNode(NodeConfig config, MonitorStateMachine stateMachine, boolean join, MetricRegistry metrics)
      throws IOException {
    this.config = config;
    this.group = RaftSettings.groupOf(config);
    this.selfId = RaftPeerId.valueOf(config.nodeId());
    RaftProperties props = RaftSettings.serverProperties(config);
    this.tlsParameters = config.tls().map(NodeTls::ratisParameters).orElseGet(Parameters::new);
    if (config.tls().isPresent()) {
      GrpcConfigKeys.Server.setServicesCustomizer(tlsParameters, new PeerCallsFromMembers(this::peerIds));
    }
    this.server = RaftServer.newBuilder()
        .setServerId(selfId)
        .setGroup(join && RestoreSeed.anythingButASeed(config.dataDir()).isEmpty() ? RaftGroup.valueOf(group.getGroupId())
            : group)
        .setProperties(props)
        .setParameters(tlsParameters)
        .setStateMachine(stateMachine)
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    // With TLS: signs what this node submits, and checks what others submit to it as leader.
    CommandSignatures signatures = config.tls().isPresent() ? CommandSignatures.of(config.tls().get()) : null;
    if (signatures != null) {
      stateMachine.setCommandGate(command -> signatures.refusal(command, peerIds()));
    }
    this.writeConnections = new ClientConnections(clientProperties(RaftWrites.CLIENT_REQUEST_TIMEOUT_MS), tlsParameters);
    this.writes = new RaftWrites((leader, retries) -> writeConnections.newClient(currentGroup(), leader, retries),
        () -> info().map(DivisionInfo::getLeaderId).orElse(null), signatures,
        metrics.timer("quorumwatch.raft.commit_latency_seconds"), selfId);
    this.backoffReset = new PeerBackoffReset(server, selfId, () -> currentGroup().getPeers());
  }

  /** The members' ids, of both configurations while one change is under way. */
  private Set<String> peerIds() {
    Set<String> ids = new HashSet<>();
    try {
      RaftConfiguration conf = server.getDivision(group.getGroupId()).getRaftConf();
      conf.getCurrentPeers().forEach(p -> ids.add(p.getId().toString()));
      conf.getPreviousPeers().forEach(p -> ids.add(p.getId().toString()));
    } catch (IOException e) {
      // no division yet: nobody is a member
    }
    return ids;
  }

  /** An administrative client, on connections of its own; {@code leader}: where its first request goes. */
  private RaftClient newClient(RaftPeerId leader, long requestTimeoutMs, RetryPolicy retries) {
    return RaftClient.newBuilder()
        .setProperties(clientProperties(requestTimeoutMs))
        .setParameters(tlsParameters)
        .setRaftGroup(currentGroup())
        .setLeaderId(leader)
        .setRetryPolicy(retries)
        .build();
  }

  private static RaftProperties clientProperties(long requestTimeoutMs) {
    RaftProperties clientProps = new RaftProperties();
    RaftConfigKeys.Rpc.setType(clientProps, SupportedRpcType.GRPC);
    // A write commits in ~10 ms; one that waits on a frozen leader (a GC pause, a hung
    // machine) should move on to the next server after a second, not the default three.
    RaftClientConfigKeys.Rpc.setRequestTimeout(clientProps, TimeDuration.valueOf(requestTimeoutMs, TimeUnit.MILLISECONDS));
    // By default a new client first sends a watch request and holds every write until it is
    // answered: one more round trip to the leader before each fresh client's first write.
    RaftClientConfigKeys.Async.Experimental.setSendDummyRequest(clientProps, false);
    return clientProps;
  }

  public void start() throws IOException {
    server.start();
  }

  /** Commits a command through the leader, or fails after 15 s (it may still commit later). */
  @Override
  public CompletableFuture<CommandReply> submit(Command command) {
    return writes.submit(command);
  }

  @Override
  public CompletableFuture<CommandReply> submit(Command command, long answerTimeoutMs) {
    return writes.submit(command, answerTimeoutMs);
  }

  /** Points this node's writes at the leader its own server follows, when the client addresses another. */
  public void writeToCurrentLeader() {
    writes.writeToCurrentLeader();
  }

  /** The leader's applied index at a point in time it confirmed with a majority (a linearizable read). */
  public CompletableFuture<Long> readIndex() {
    return writes.readIndex();
  }

  /**
   * Completes true only if this node is the leader and a majority still follows it (a
   * linearizable read served by this node itself).
   */
  public CompletableFuture<Boolean> confirmLeadership() {
    if (!isLeaderReady()) {
      return CompletableFuture.completedFuture(false);
    }
    // Straight to the local server, not through the client: no connection, and never
    // addressed to another server while the client still looks for the leader.
    RaftClientRequest read = RaftClientRequest.newBuilder()
        .setClientId(leadershipClientId)
        .setServerId(selfId)
        .setGroupId(group.getGroupId())
        .setCallId(leadershipCallIds.incrementAndGet())
        .setMessage(Message.valueOf("lead?"))
        .setType(RaftClientRequest.readRequestType())
        .setTimeoutMs(LEADERSHIP_CHECK_TIMEOUT_MS)
        .build();
    try {
      return server.submitClientRequestAsync(read)
          .orTimeout(LEADERSHIP_CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .handle((reply, error) -> error == null && reply.isSuccess());
    } catch (IOException e) {
      return CompletableFuture.completedFuture(false);
    }
  }

  /**
   * On the leader: each follower's commit index as it last reported it, and whether it
   * answered within a second; empty on a follower.
   */
  List<StuckFollowers.Follower> followerProgress() {
    try {
      RaftServer.Division division = server.getDivision(group.getGroupId());
      DivisionInfo info = division.getInfo();
      if (!info.isLeader()) {
        return List.of();
      }
      Map<String, Boolean> reachable = new HashMap<>();
      FollowerContact.followers(info).forEach(f -> reachable.put(f.id(), f.reachable()));
      List<StuckFollowers.Follower> progress = new ArrayList<>();
      for (RaftProtos.CommitInfoProto c : division.getCommitInfos()) {
        String id = RaftPeerId.valueOf(c.getServer().getId()).toString();
        if (reachable.containsKey(id)) {
          progress.add(new StuckFollowers.Follower(id, c.getCommitIndex(), reachable.get(id)));
        }
      }
      return progress;
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Peers whose connections failed are tried again now, not after gRPC's reconnect backoff. */
  public void retryPeerConnectionsNow() {
    backoffReset.now();
  }

  /** False once resetting a peer's reconnect backoff failed (a Ratis without the method). */
  boolean canResetPeerBackoff() {
    return backoffReset.works();
  }

  /** The index this node knows to be committed. */
  long commitIndex() {
    try {
      return server.getDivision(group.getGroupId()).getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  private Optional<DivisionInfo> info() {
    try {
      return Optional.of(server.getDivision(group.getGroupId()).getInfo());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Hands leadership to the first of {@code candidates} that takes it, so stopping the leader
   * costs the cluster one transfer (the candidate is caught up first, then elected at once)
   * rather than an election timeout after a close that can take seconds. Returns the new
   * leader, or empty when this node does not lead or nobody took over within the timeout.
   */
  public Optional<String> transferLeadership(List<String> candidates, long timeoutMs) {
    if (!isLeaderReady()) {
      return Optional.empty();
    }
    long deadline = System.currentTimeMillis() + timeoutMs;
    for (String candidate : reachableMostCaughtUpFirst(candidates)) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      // One attempt per candidate, bounded by what is left: a stop must not hang on a
      // follower that went away (the shared client would retry for ~10 s).
      try (RaftClient admin = newClient(selfId, left, RetryPolicies.noRetry())) {
        RaftClientReply reply = admin.admin().transferLeadership(RaftPeerId.valueOf(candidate), left);
        if (reply.isSuccess()) {
          return Optional.of(candidate);
        }
        log.warn("leadership transfer refused node={} to={} error=\"{}\"", selfId, candidate,
            reply.getException() != null ? reply.getException().getMessage() : "not successful");
      } catch (IOException e) {
        log.warn("leadership transfer failed node={} to={} error=\"{}\"", selfId, candidate, e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * The candidates this leader heard from within a second (others are gone or cut off), best
   * caught up first: a transfer waits until its target has caught up, so a node that just
   * restarted (and is still replaying) would make the hand-over slow.
   */
  private List<String> reachableMostCaughtUpFirst(List<String> candidates) {
    Map<String, Long> matchIndex = info().map(FollowerContact::reachableMatchIndices).orElse(Map.of());
    List<String> ordered = new ArrayList<>(candidates.stream().filter(matchIndex::containsKey).toList());
    ordered.sort(Comparator.comparingLong((String c) -> matchIndex.get(c)).reversed());
    return ordered;
  }

  /** The group as its current configuration has it (members may have changed since node.yaml). */
  private RaftGroup currentGroup() {
    if (server == null) {
      return group;
    }
    try {
      Collection<RaftPeer> peers = server.getDivision(group.getGroupId()).getRaftConf().getAllPeers();
      return peers.isEmpty() ? group : RaftGroup.valueOf(group.getGroupId(), peers);
    } catch (IOException | IllegalStateException e) {
      return group; // not started yet
    }
  }

  /** The Raft configuration's voting members; empty while a configuration change is under way. */
  public Optional<List<RaftMember>> raftMembers() {
    try {
      RaftConfiguration conf = server.getDivision(group.getGroupId()).getRaftConf();
      if (!conf.getPreviousPeers().isEmpty()) {
        return Optional.empty();
      }
      List<RaftMember> members = new ArrayList<>();
      for (RaftPeer p : conf.getCurrentPeers()) {
        members.add(new RaftMember(p.getId().toString(), p.getAddress()));
      }
      members.sort(Comparator.comparing(RaftMember::id));
      return Optional.of(members);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Makes {@code members} the Raft configuration (blocking). Ratis catches a new member up
   * before it counts toward the majority, so the new node must already run, with its own
   * peers listing itself. Fails with the reason when the change is refused or times out.
   */
  public void changeMembers(List<RaftMember> members) throws IOException {
    for (RaftMember m : members) {
      if (currentGroup().getPeer(RaftPeerId.valueOf(m.id())) == null) {
        NewMemberCheck.assertAnswers(m, group.getGroupId(), tlsParameters);
      }
    }
    // No client address: Ratis would send client requests there instead of the peer address.
    List<RaftPeer> peers = members.stream()
        .map(m -> RaftPeer.newBuilder().setId(m.id()).setAddress(m.raft()).build())
        .toList();
    // Retried while the leader moves; never after the leader gave up on a new member that made
    // no progress (not running, unreachable, or refused by TLS): that answer is final, and a
    // retry would only stage the same member again for another staging timeout.
    RetryPolicy retries = ExceptionDependentRetry.newBuilder()
        .setDefaultPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(20, TimeDuration.valueOf(1, TimeUnit.SECONDS)))
        .setExceptionToPolicy(ReconfigurationTimeoutException.class, RetryPolicies.noRetry())
        .build();
    try (RaftClient admin = newClient(info().map(DivisionInfo::getLeaderId).orElse(null), MEMBERSHIP_CHANGE_TIMEOUT_MS,
        retries)) {
      RaftClientReply reply = admin.admin().setConfiguration(peers);
      if (!reply.isSuccess()) {
        throw new IOException(reply.getException() != null ? reply.getException().getMessage() : "not successful");
      }
    }
  }

  public boolean isLeaderReady() {
    return info().map(i -> i.isLeader() && i.isLeaderReady()).orElse(false);
  }

  public Optional<String> leaderId() {
    return info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
  }

  public long term() {
    return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
  }

  public String selfId() {
    return selfId.toString();
  }

  public NodeConfig config() {
    return config;
  }

  @Override
  public void close() throws IOException {
    try {
      writes.close();
      writeConnections.close();
    } finally {
      server.close();
    }
  }
}
