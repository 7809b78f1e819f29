package dev.quorumwatch.node.raft;

import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.SetCluster;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The replicated cluster settings a Raft configuration calls for. The Raft configuration
 * decides who is a member (node.yaml peers only bootstrap it; `members add|remove` change it);
 * each member's region and API address come from what is replicated already, else from this
 * node's node.yaml, else region = id and no API address (until `members add` names them).
 */
public final class ClusterSettings {
  private ClusterSettings() {}

  /** {@code update}: a member whose region and address replace what is known (members add). */
  public static SetCluster of(NodeConfig config, List<RaftMember> raftMembers, SetCluster replicated,
      Optional<Member> update) {
    SetCluster.Builder s = SetCluster.newBuilder()
        .setClusterId(config.clusterId())
        .setQuorum(config.quorumFor(raftMembers.size()))
        .setStaleAfterMs(config.staleAfterMs());
    // node.yaml's order first (status lists members the way the operator wrote them), then the rest by id.
    List<String> configured = config.peers().stream().map(NodeConfig.Peer::id).toList();
    List<RaftMember> ordered = raftMembers.stream()
        .sorted(Comparator.comparingInt((RaftMember m) -> configured.contains(m.id()) ? configured.indexOf(m.id())
            : Integer.MAX_VALUE).thenComparing(RaftMember::id))
        .toList();
    for (RaftMember m : ordered) {
      s.addMembers(update.filter(u -> u.getId().equals(m.id()))
          .or(() -> replicated.getMembersList().stream().filter(r -> r.getId().equals(m.id())).findFirst())
          .or(() -> config.peer(m.id()).map(p -> Member.newBuilder().setId(p.id()).setRegion(p.region())
              .setApi(p.api().toString()).build()))
          .orElseGet(() -> Member.newBuilder().setId(m.id()).setRegion(m.id()).build()));
    }
    return s.build();
  }
}
