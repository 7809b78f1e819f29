package dev.quorumwatch.harness.cluster;

import dev.quorumwatch.harness.links.WanProfile;
import java.util.Arrays;

/**
 * The network a benchmark's nodes talk over: a wide-area profile on the links between them
 * (probes and webhooks keep their own loopback paths) and the election timeout they are given
 * (0: the node's default).
 */
public record ClusterNetwork(String wan, long electionTimeoutMs) {
  public static final ClusterNetwork LOOPBACK = new ClusterNetwork("loopback", 0);

  /** The profile for the first {@code nodes} regions; an error names what is wrong with {@code wan}. */
  public WanProfile profile(int nodes) {
    return WanProfile.parse(wan, Arrays.asList(LocalCluster.REGIONS).subList(0, nodes));
  }

  /** More keys for every node's {@code cluster:} section. */
  public String clusterYaml() {
    return electionTimeoutMs > 0 ? "election_timeout: " + electionTimeoutMs + "ms\n" : "";
  }

  /** What a report says of the network: the profile's round trips and the election timeout. */
  public String describe(int nodes) {
    return profile(nodes).describe() + "; election timeout " + (electionTimeoutMs > 0 ? electionTimeoutMs + " ms" : "default");
  }
}
