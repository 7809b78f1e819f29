package dev.quorumwatch.harness.cluster;

import dev.quorumwatch.harness.links.WanProfile;
import java.util.Arrays;

/**
 * The network a benchmark's nodes talk over and the timing they are given on it: a wide-area
 * profile on the links between them (probes and webhooks keep their own loopback paths), the
 * election timeout and the report heartbeat interval (0: the node's default).
 */
public record ClusterNetwork(String wan, long electionTimeoutMs, long heartbeatIntervalMs) {
  public static final ClusterNetwork LOOPBACK = new ClusterNetwork("loopback", 0, 0);

  /** The profile for the first {@code nodes} regions; an error names what is wrong with {@code wan}. */
  public WanProfile profile(int nodes) {
    return WanProfile.parse(wan, Arrays.asList(LocalCluster.REGIONS).subList(0, nodes));
  }

  /** More keys for every node's {@code cluster:} section. */
  public String clusterYaml() {
    return (electionTimeoutMs > 0 ? "election_timeout: " + electionTimeoutMs + "ms\n" : "")
        + (heartbeatIntervalMs > 0 ? "heartbeat_interval: " + heartbeatIntervalMs + "ms\n" : "");
  }

  /** What a report says of the network: the profile's round trips and the timing. */
  public String describe(int nodes) {
    return profile(nodes).describe() + "; election timeout " + (electionTimeoutMs > 0 ? electionTimeoutMs + " ms" : "default")
        + (heartbeatIntervalMs > 0 ? "; heartbeat every " + heartbeatIntervalMs + " ms" : "");
  }
}
