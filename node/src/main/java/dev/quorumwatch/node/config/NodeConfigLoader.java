package dev.quorumwatch.node.config;

import dev.quorumwatch.node.auth.ApiAuth;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.SecretAllowance;
import dev.quorumwatch.node.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and checks {@code node.yaml}. Relative paths ({@code data_dir}, {@code monitors_file})
 * are resolved against the directory of the config file, so a node starts the same way
 * whatever its working directory.
 */
public final class NodeConfigLoader {
  static final long MIN_ELECTION_TIMEOUT_MS = 100;
  static final long MAX_ELECTION_TIMEOUT_MS = 10_000;
  /** A quiet node writes a report this often: more often floods the log, less leaves a dead node's votes counting. */
  static final long MIN_HEARTBEAT_INTERVAL_MS = 250;
  static final long MAX_HEARTBEAT_INTERVAL_MS = 60_000;
  static final long MAX_STALE_AFTER_MS = 3_600_000;

  private NodeConfigLoader() {}

  public static NodeConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    return parse(file, text);
  }

  public static NodeConfig parse(Path file, String text) throws ConfigException {
    return parse(file, text, System::getenv);
  }

  /** {@code env}: where {@code auth.tokens[].env} values come from. */
  public static NodeConfig parse(Path file, String text, Function<String, String> env) throws ConfigException {
    Path base = file.toAbsolutePath().getParent();
    YamlTree root = YamlTree.parse(file.toString(), text).onlyKeys(Set.of("node", "cluster", "monitors_file", "repair", "auth", "tls", "deny_networks", "secrets", "backup"));

    YamlTree node = root.object("node").onlyKeys(Set.of("id", "region", "data_dir", "listen"));
    String id = node.string("id");
    String region = node.string("region", id);
    Path dataDir = node.path("data_dir", base);
    YamlTree listen = node.object("listen").onlyKeys(Set.of("raft", "api", "http"));
    HostPort raft = listen.address("raft");
    HostPort api = listen.address("api");
    HostPort http = listen.address("http");

    YamlTree cluster = root.object("cluster").onlyKeys(Set.of("id", "peers", "quorum", "heartbeat_interval", "stale_after",
        "election_timeout", "insecure_peers"));
    String clusterId = cluster.string("id");
    List<NodeConfig.Peer> peers = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<YamlTree> peerTrees = cluster.list("peers");
    if (peerTrees.isEmpty()) {
      throw cluster.child("peers").error("expected at least one peer (every node, this one included)");
    }
    for (YamlTree p : peerTrees) {
      p.onlyKeys(Set.of("id", "region", "raft", "api"));
      String peerId = p.string("id");
      if (!ids.add(peerId)) {
        throw p.child("id").error("duplicate peer id '" + peerId + "'");
      }
      peers.add(new NodeConfig.Peer(peerId, p.string("region", peerId.equals(id) ? region : peerId),
          p.address("raft"), p.address("api")));
    }
    if (!ids.contains(id)) {
      throw cluster.child("peers").error("expected this node's id '" + id + "' among the peers");
    }
    int quorum = parseQuorum(cluster, peers.size());
    long heartbeatMs = cluster.durationMs("heartbeat_interval", NodeConfig.DEFAULT_HEARTBEAT_INTERVAL_MS);
    if (heartbeatMs < MIN_HEARTBEAT_INTERVAL_MS || heartbeatMs > MAX_HEARTBEAT_INTERVAL_MS) {
      throw cluster.child("heartbeat_interval").error("expected from " + Durations.format(MIN_HEARTBEAT_INTERVAL_MS)
          + " to " + Durations.format(MAX_HEARTBEAT_INTERVAL_MS) + ", got " + Durations.format(heartbeatMs));
    }
    long staleAfterMs = cluster.durationMs("stale_after", 3 * heartbeatMs);
    if (staleAfterMs <= heartbeatMs || staleAfterMs > MAX_STALE_AFTER_MS) {
      throw cluster.child("stale_after").error("expected more than heartbeat_interval ("
          + Durations.format(heartbeatMs) + ") and at most " + Durations.format(MAX_STALE_AFTER_MS) + ", got "
          + Durations.format(staleAfterMs));
    }

    long electionTimeoutMs = cluster.durationMs("election_timeout", NodeConfig.DEFAULT_ELECTION_TIMEOUT_MS);
    if (electionTimeoutMs < MIN_ELECTION_TIMEOUT_MS || electionTimeoutMs > MAX_ELECTION_TIMEOUT_MS) {
      throw cluster.child("election_timeout").error("expected from " + Durations.format(MIN_ELECTION_TIMEOUT_MS)
          + " to " + Durations.format(MAX_ELECTION_TIMEOUT_MS) + ", got " + Durations.format(electionTimeoutMs));
    }

    Optional<Path> monitors = root.has("monitors_file")
        ? Optional.of(root.path("monitors_file", base))
        : Optional.empty();
    Set<String> allowedRepairCommands = allowedRepairCommands(root);
    boolean majority = !cluster.has("quorum") || cluster.child("quorum").isText();
    ApiAuth auth = root.has("auth") ? AuthParser.parse(root.object("auth"), base, env) : AuthParser.absent(root, api);
    Optional<TlsFiles> tls = root.has("tls") ? Optional.of(TlsParser.parse(root.object("tls"), base)) : Optional.empty();
    // Whoever reaches the Raft port can append to the log like a member: beyond loopback it
    // needs TLS (peers then prove they hold a certificate of the cluster CA), or a said-out-loud
    // exception for networks the operator fences off otherwise.
    boolean insecurePeers = cluster.bool("insecure_peers", false);
    if (tls.isEmpty() && !raft.isLoopback() && !insecurePeers) {
      throw listen.child("raft").error("expected a tls section: the Raft port listens on " + raft + ", beyond this"
          + " machine, and anyone who reaches it can submit commands to the cluster; configure tls (docs/security.md),"
          + " or cluster.insecure_peers: true if only the cluster's own nodes can reach it");
    }
    return new NodeConfig(id, region, dataDir, raft, api, http, clusterId, List.copyOf(peers), quorum, majority,
        heartbeatMs, staleAfterMs, electionTimeoutMs, monitors, allowedRepairCommands, auth, tls, deniedNetworks(root),
        secretAllowance(root, base), backupKey(root, base));
  }

  /**
   * {@code secrets}: which environment variables ({@code env}: names, or prefixes ending in
   * {@code *}) and which directories' files ({@code dirs}) references in monitors files may
   * read on this node. Absent: {@code QW_*} and {@code QUORUMWATCH_*} variables, no files.
   */
  private static SecretAllowance secretAllowance(YamlTree root, Path base) throws ConfigException {
    if (!root.has("secrets")) {
      return SecretAllowance.DEFAULT;
    }
    YamlTree secrets = root.object("secrets").onlyKeys(Set.of("env", "dirs"));
    List<String> env = secrets.has("env") ? secrets.strings("env") : SecretAllowance.DEFAULT.envPatterns();
    for (int i = 0; i < env.size(); i++) {
      if (!env.get(i).matches("[A-Za-z_][A-Za-z0-9_]*\\*?")) {
        throw secrets.child("env").error("expected variable names or prefixes such as QW_*, got '" + env.get(i) + "'");
      }
    }
    List<Path> dirs = new ArrayList<>();
    for (YamlTree dir : secrets.has("dirs") ? secrets.list("dirs") : List.<YamlTree>of()) {
      Path path = dir.asPath(base);
      if (path.getParent() == null) {
        throw dir.error("expected directories that hold only secrets for QuorumWatch, not /");
      }
      dirs.add(path);
    }
    return new SecretAllowance(env, dirs);
  }

  /**
   * {@code backup.hmac_key_file}: the key backups are signed with and restores check; the same
   * file on every node of the cluster (and of a cluster restored from its backups).
   */
  private static Optional<byte[]> backupKey(YamlTree root, Path base) throws ConfigException {
    if (!root.has("backup")) {
      return Optional.empty();
    }
    YamlTree backup = root.object("backup").onlyKeys(Set.of("hmac_key_file"));
    Path file = backup.path("hmac_key_file", base);
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > 4096) {
        throw backup.child("hmac_key_file").error("expected a regular file of at most 4 KiB, got " + file);
      }
      byte[] key = Files.readString(file).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (key.length < 32) {
        throw backup.child("hmac_key_file").error("expected a key of at least 32 characters (openssl rand -hex 32), "
            + file + " has " + key.length);
      }
      return Optional.of(key);
    } catch (java.io.IOException e) {
      throw backup.child("hmac_key_file").error("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * {@code repair.allowed_commands}: the programs (exact paths, as a step's {@code argv[0]})
   * that repair steps may run on this machine; none unless the node's owner lists them.
   */
  private static Set<String> allowedRepairCommands(YamlTree root) throws ConfigException {
    if (!root.has("repair")) {
      return Set.of();
    }
    YamlTree repair = root.object("repair");
    if (repair.has("allow_commands")) {
      throw repair.child("allow_commands").error("replaced by allowed_commands: the exact programs repair steps may"
          + " run, e.g. allowed_commands: [/usr/local/bin/rollback]");
    }
    repair.onlyKeys(Set.of("allowed_commands"));
    Set<String> programs = new java.util.LinkedHashSet<>();
    for (YamlTree program : repair.has("allowed_commands") ? repair.list("allowed_commands") : List.<YamlTree>of()) {
      String path = program.asString();
      if (!path.startsWith("/") || path.contains("${")) {
        throw program.error("expected an absolute path such as /usr/local/bin/rollback, got '" + path + "'");
      }
      programs.add(path);
    }
    return Set.copyOf(programs);
  }

  /**
   * {@code deny_networks}: a list of networks (CIDR) or single addresses. Absent: the cloud
   * metadata addresses; a list replaces them (list them again to keep them). "This host"
   * (0.0.0.0/8, ::) is denied either way.
   */
  private static DeniedNetworks deniedNetworks(YamlTree root) throws ConfigException {
    if (!root.has("deny_networks")) {
      return new DeniedNetworks(DeniedNetworks.METADATA);
    }
    List<DeniedNetworks.Network> networks = new ArrayList<>();
    List<YamlTree> entries = root.list("deny_networks");
    for (YamlTree entry : entries) {
      try {
        networks.add(DeniedNetworks.parse(entry.asString()));
      } catch (IllegalArgumentException e) {
        throw entry.error(e.getMessage());
      }
    }
    return new DeniedNetworks(networks);
  }

  private static int parseQuorum(YamlTree cluster, int members) throws ConfigException {
    int majority = members / 2 + 1;
    if (!cluster.has("quorum")) {
      return majority;
    }
    YamlTree q = cluster.child("quorum");
    if (q.isText() && q.asString().equals("majority")) {
      return majority;
    }
    if (q.isText()) {
      throw q.error("expected 'majority' or a number from 1 to " + members + ", got '" + q.asString() + "'");
    }
    return q.asInt(1, members);
  }
}
