package dev.quorumwatch.node.bench;

import dev.quorumwatch.node.links.WanProfile;
import java.util.Arrays;

/**
 * The network a benchmark's nodes talk over: a wide-area profile on the links between them
 * (probes and webhooks keep their own loopback paths) and the election timeout they are given
 * (0: the node's default).
 */
public record BenchNetwork(String wan, long electionTimeoutMs) {
  public static final BenchNetwork LOOPBACK = new BenchNetwork("loopback", 0);

  /** The profile for the first {@code nodes} regions; an error names what is wrong with {@code wan}. */
  public WanProfile profile(int nodes) {
    return WanProfile.parse(wan, Arrays.asList(LocalCluster.REGIONS).subList(0, nodes));
  }

  /** More keys for every node's {@code cluster:} section. */
  public String clusterYaml() {
    return electionTimeoutMs > 0 ? "election_timeout: " + electionTimeoutMs + "ms\n" : "";
  }

  /** Says in a report what network it was measured on: the profile's round trips and the election timeout. */
  void addTo(BenchReport report, int nodes) {
    report.json().put("wan", wan).put("election_timeout_ms", electionTimeoutMs);
    report.row("network", profile(nodes).describe() + "; election timeout "
        + (electionTimeoutMs > 0 ? electionTimeoutMs + " ms" : "default"), "");
  }
}
