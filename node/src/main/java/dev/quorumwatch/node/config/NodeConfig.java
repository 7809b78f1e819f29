package dev.quorumwatch.node.config;

import dev.quorumwatch.node.auth.ApiAuth;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.SecretAllowance;
import dev.quorumwatch.node.tls.TlsFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One node's configuration ({@code node.yaml}; README "Quick start" and docs/operations.md). */
public record NodeConfig(
    String nodeId,
    String region,
    Path dataDir,
    HostPort raftListen,
    HostPort apiListen,
    HostPort httpListen,
    String clusterId,
    List<Peer> peers,
    int quorum,
    boolean majorityQuorum,
    long heartbeatIntervalMs,
    long staleAfterMs,
    long electionTimeoutMs,
    Optional<Path> monitorsFile,
    Set<String> allowedRepairCommands,
    ApiAuth auth,
    Optional<TlsFiles> tls,
    DeniedNetworks deniedNetworks,
    SecretAllowance secrets,
    Optional<byte[]> backupKey) {
  public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
  /**
   * The shortest time a follower waits for its leader before it stands for election (the
   * longest is twice this). Not Ratis' 150 ms: measured with simulated inter-region links,
   * 400 ms pages sooner after a leader crash across continents and with Asia-Pacific in the
   * cluster, for 0.2 s more in one data centre (docs/benchmarks.md, "Across regions").
   */
  public static final long DEFAULT_ELECTION_TIMEOUT_MS = 400;

  /** No tokens configured: the API accepts every caller (the local demo; a warning otherwise). */
  public boolean authenticated() {
    return !auth.tokens().isEmpty();
  }

  /** A cluster member as every node's configuration lists it. */
  public record Peer(String id, String region, HostPort raft, HostPort api) {}

  public Peer self() {
    return peers.stream().filter(p -> p.id().equals(nodeId)).findFirst().orElseThrow();
  }

  /** The quorum for a cluster of {@code members}: a majority of them, or the configured number (at most all). */
  public int quorumFor(int members) {
    return majorityQuorum ? members / 2 + 1 : Math.min(quorum, members);
  }

  public Optional<Peer> peer(String id) {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst();
  }
}
