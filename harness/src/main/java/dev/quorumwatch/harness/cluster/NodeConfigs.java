package dev.quorumwatch.harness.cluster;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The node.yaml of each node of a local cluster: its ports, its peers, TLS and extra sections. */
final class NodeConfigs {
  final int[] raftPorts;
  final int[] apiPorts;
  final int[] httpPorts;
  /** Where peers reach each node's Raft port: a proxy's port when one stands in front of it. */
  final int[] advertisedRaftPorts;
  private final String clusterId;
  private final String extraClusterYaml;
  int bootstrapMembers;
  String extraNodeYaml = "";
  Path tlsDir;
  final Map<Integer, Path> nodeTlsDirs = new HashMap<>();

  NodeConfigs(int[] raftPorts, int[] apiPorts, int[] httpPorts, String clusterId, String extraClusterYaml) {
    this.raftPorts = raftPorts;
    this.apiPorts = apiPorts;
    this.httpPorts = httpPorts;
    this.advertisedRaftPorts = raftPorts.clone();
    this.clusterId = clusterId;
    this.extraClusterYaml = extraClusterYaml;
    this.bootstrapMembers = raftPorts.length;
  }

  /** The CA every node and the harness trust, when the cluster runs TLS. */
  Optional<Path> caFile() {
    return Optional.ofNullable(tlsDir).map(d -> d.resolve("ca.crt").toAbsolutePath());
  }

  String yaml(int i) {
    StringBuilder peers = new StringBuilder();
    // Nodes beyond the bootstrap members join later: each lists the members before it and itself.
    int listed = i < bootstrapMembers ? bootstrapMembers : i + 1;
    for (int p = 0; p < listed; p++) {
      peers.append("    - {id: ").append(id(p)).append(", raft: 127.0.0.1:").append(advertisedRaftPorts[p])
          .append(", api: 127.0.0.1:").append(apiPorts[p]).append("}\n");
    }
    return """
        node:
          id: %s
          region: %s
          data_dir: ./data/%s
          listen:
            raft: 127.0.0.1:%d
            api: 127.0.0.1:%d
            http: 127.0.0.1:%d
        cluster:
          id: %s
          quorum: majority
        %s  peers:
        %s""".formatted(id(i), id(i), id(i), raftPorts[i], apiPorts[i], httpPorts[i], clusterId,
        extraClusterYaml.isEmpty() ? "" : extraClusterYaml.indent(2), peers) + extraNodeYaml + tlsYaml(i);
  }

  private String tlsYaml(int i) {
    Path certs = nodeTlsDirs.getOrDefault(i, tlsDir);
    if (certs == null) {
      return "";
    }
    Path abs = certs.toAbsolutePath();
    return "tls:\n  ca: " + abs.resolve("ca.crt") + "\n  cert: " + abs.resolve(id(i) + ".crt") + "\n  key: "
        + abs.resolve(id(i) + ".key") + "\n";
  }

  private static String id(int i) {
    return LocalCluster.REGIONS[i];
  }
}
