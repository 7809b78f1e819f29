package dev.quorumwatch.node.bench;

import com.google.common.util.concurrent.ListenableFuture;
import dev.quorumwatch.node.auth.BearerToken;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.node.raft.RaftSettings;
import dev.quorumwatch.node.tls.NodeTls;
import dev.quorumwatch.node.tls.TlsFiles;
import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.ApplyResponse;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;

/**
 * N real node processes ({@code quorumwatch node --config ...}) on loopback, each with its
 * own config, data dir and log file under one directory. Nodes can be SIGKILLed and
 * restarted from their data dir. {@link #close()} kills every process it started.
 * Used by {@code quorumwatch bench} and by the cluster tests.
 */
public final class LocalCluster implements AutoCloseable {
  public static final String[] REGIONS = {"us-west", "us-east", "eu-west", "ap-southeast", "sa-east"};
  /**
   * The node JVM's flags (bin/quorumwatch sets the same ones for `node`): a small heap, the
   * serial collector and the C1 compiler only. A node is I/O-bound; C2's compiler memory
   * alone costs ~40 MiB of RSS per process and buys no throughput here (docs/benchmarks.md).
   */
  public static final List<String> NODE_JVM_OPTIONS = List.of("-Xms32m", "-Xmx192m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-Xss512k",
      // One pooled-buffer arena for each of the three Netty copies (ours, gRPC's and Ratis' shaded ones).
      "-Dio.netty.allocator.numDirectArenas=1", "-Dio.netty.allocator.numHeapArenas=1",
      "-Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1",
      "-Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1",
      "-Dorg.apache.ratis.thirdparty.io.netty.allocator.numDirectArenas=1",
      "-Dorg.apache.ratis.thirdparty.io.netty.allocator.numHeapArenas=1");
  /** glibc's default of one malloc arena per thread turns JVM thread churn into RSS. */
  public static final Map<String, String> NODE_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  private final Path dir;
  private final boolean deleteOnClose;
  private final int size;
  private final int[] raftPorts;
  private final int[] apiPorts;
  private final int[] httpPorts;
  private final Process[] processes;
  private final Map<String, String> environment = new HashMap<>();
  private final List<String> nodeArguments = new ArrayList<>();
  private int bootstrapMembers;
  private String extraNodeYaml = "";
  private String token;
  private final Map<Integer, Map<String, String>> nodeEnvironment = new HashMap<>();
  private Path tlsDir;
  private final Map<Integer, Path> nodeTlsDirs = new HashMap<>();
  private final ApiChannels apiChannels = new ApiChannels(this::api);
  static final long MAJORITY_POLL_DEADLINE_MS = 500;
  /** Kills the nodes if this JVM exits without close() (Ctrl-C on a bench): nothing is left running. */
  private final Thread killOnExit = new Thread(this::killAll, "qw-local-cluster-exit");

  private final String clusterId;
  private final int[] advertisedRaftPorts;
  private final String extraClusterYaml;

  /**
   * @param extraClusterYaml more keys for the {@code cluster:} section of every node's config
   */
  public LocalCluster(Path dir, boolean deleteOnClose, int size, String clusterId, String extraClusterYaml)
      throws IOException {
    if (size < 1 || size > REGIONS.length) {
      throw new IllegalArgumentException("cluster size must be 1.." + REGIONS.length);
    }
    this.dir = dir.toAbsolutePath();
    this.deleteOnClose = deleteOnClose;
    this.size = size;
    this.bootstrapMembers = size;
    this.clusterId = clusterId;
    this.raftPorts = new int[size];
    this.apiPorts = new int[size];
    this.httpPorts = new int[size];
    this.processes = new Process[size];
    Files.createDirectories(this.dir);
    for (int i = 0; i < size; i++) {
      raftPorts[i] = FreePorts.next();
      apiPorts[i] = FreePorts.next();
      httpPorts[i] = FreePorts.next();
    }
    this.advertisedRaftPorts = raftPorts.clone();
    this.extraClusterYaml = extraClusterYaml;
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  private void killAll() {
    for (Process p : processes) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }

  /** Sets an environment variable for the node processes started from now on. */
  public LocalCluster withEnvironment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** Sets an environment variable for node {@code i} only, from its next start. */
  /**
   * Only the first {@code members} nodes form the cluster; the others are started later and
   * added with {@code members add}, the way an operator grows a cluster.
   */
  public LocalCluster withBootstrapMembers(int members) {
    bootstrapMembers = members;
    return this;
  }

  /** More top-level keys for every node's node.yaml (for example an {@code auth:} section). */
  public LocalCluster withNodeYaml(String yaml) {
    extraNodeYaml = yaml;
    return this;
  }

  /** The API token this harness's own calls send (the cluster was configured with auth). */
  public LocalCluster withToken(String token) {
    this.token = token;
    return this;
  }

  /** Extra arguments for every node's {@code node} command (for example {@code --log-format json}). */
  public LocalCluster withNodeArguments(String... arguments) {
    nodeArguments.addAll(List.of(arguments));
    return this;
  }

  public LocalCluster withNodeEnvironment(int i, String name, String value) {
    nodeEnvironment.computeIfAbsent(i, k -> new HashMap<>()).put(name, value);
    return this;
  }

  /**
   * Every node gets a tls section: {@code certDir} holds what deploy/local/make-certs.sh makes
   * ({@code ca.crt}, and {@code ID.crt}, {@code ID.key} per node); the harness's own calls
   * trust that CA.
   */
  public LocalCluster withTls(Path certDir) throws IOException {
    tlsDir = certDir;
    apiChannels.useTls(NodeTls.clientContext(caFile().orElseThrow()));
    return this;
  }

  /** Node {@code i} takes its TLS files from {@code certDir} instead (another CA's, say). */
  public LocalCluster withNodeTls(int i, Path certDir) {
    nodeTlsDirs.put(i, certDir);
    return this;
  }

  /** The CA the harness's calls trust, when the cluster runs TLS. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(tlsDir).map(d -> d.resolve("ca.crt").toAbsolutePath());
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

  public int[] raftPorts() {
    return raftPorts.clone();
  }

  /**
   * Peers reach node {@code i}'s Raft port at {@code port} (a proxy in front of it) instead of
   * the port it listens on; applies to configs written from now on (at each start).
   */
  public void advertiseRaftPort(int i, int port) {
    advertisedRaftPorts[i] = port;
  }

  public List<String> ids() {
    return List.of(REGIONS).subList(0, size);
  }

  private String config(int i) {
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

  public String id(int i) {
    return REGIONS[i];
  }

  /** The index of a node id, or -1. */
  public static int indexOf(String nodeId) {
    return List.of(REGIONS).indexOf(nodeId);
  }

  /** SIGSTOP: the process freezes mid-flight, as in a long GC pause. */
  public void pause(int i) throws IOException, InterruptedException {
    signal(i, "STOP");
  }

  /** SIGCONT: the paused process resumes where it stopped. */
  public void resume(int i) throws IOException, InterruptedException {
    signal(i, "CONT");
  }

  private void signal(int i, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid(i))).start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + pid(i) + " failed");
    }
  }

  /** SIGTERM without waiting: the node starts stopping the way an operator stops it. */
  public void terminate(int i) throws IOException, InterruptedException {
    signal(i, "TERM");
  }

  /** SIGTERM and wait: the node stops the way an operator stops it. */
  public void stop(int i) throws InterruptedException {
    Process p = processes[i];
    if (p != null && p.isAlive()) {
      p.toHandle().destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    processes[i] = null;
  }

  /** Waits until every running node reports the same applied index and state digest. */
  public boolean awaitConverged(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      Set<String> states = new HashSet<>();
      boolean all = true;
      for (int i = 0; i < size; i++) {
        if (!isRunning(i)) {
          continue;
        }
        Optional<StatusResponse> s = status(i);
        if (s.isEmpty()) {
          all = false;
          break;
        }
        states.add(s.get().getAppliedIndex() + "/" + s.get().getStateDigest());
      }
      if (all && states.size() == 1) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  public int size() {
    return size;
  }

  public Path configFile(int i) {
    return dir.resolve(id(i) + ".yaml");
  }

  public Path dataDir(int i) {
    return dir.resolve("data").resolve(id(i));
  }

  public Path logFile(int i) {
    return dir.resolve(id(i) + ".log");
  }

  public String log(int i) throws IOException {
    return Files.readString(logFile(i));
  }

  /** Where node i's peers reach it (through a proxy when one was advertised). */
  public String raftAddress(int i) {
    return "127.0.0.1:" + advertisedRaftPorts[i];
  }

  public String api(int i) {
    return "127.0.0.1:" + apiPorts[i];
  }

  public int httpPort(int i) {
    return httpPorts[i];
  }

  public void startAll() throws IOException {
    for (int i = 0; i < size; i++) {
      start(i);
    }
  }

  /** Writes node i's node.yaml (start does too): for tools that need it before the node runs. */
  public Path writeConfig(int i) throws IOException {
    return Files.writeString(configFile(i), config(i));
  }

  public void start(int i) throws IOException {
    apiChannels.drop(i);
    writeConfig(i);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(NODE_JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.quorumwatch.node.cli.Main", "node",
        "--config", configFile(i).toString()));
    command.addAll(nodeArguments);
    if (i >= bootstrapMembers) {
      command.add("--join");
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(NODE_ENVIRONMENT);
    pb.environment().putAll(environment);
    pb.environment().putAll(nodeEnvironment.getOrDefault(i, Map.of()));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(i).toFile()));
    processes[i] = pb.start();
  }

  /** SIGKILL: no chance to clean up, like a crashed machine. */
  public void kill(int i) throws InterruptedException {
    Process p = processes[i];
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    processes[i] = null;
  }

  public boolean isRunning(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  public long pid(int i) {
    return processes[i].pid();
  }

  public QuorumWatchGrpc.QuorumWatchBlockingStub client(int i) {
    return BearerToken.attach(QuorumWatchGrpc.newBlockingStub(apiChannels.channel(i)), token).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** The status as one running node sees it, if it answers within 2 s. */
  public Optional<StatusResponse> status(int i) {
    if (!isRunning(i)) {
      return Optional.empty();
    }
    try {
      return Optional.of(client(i).withDeadlineAfter(2, TimeUnit.SECONDS).getStatus(StatusRequest.getDefaultInstance()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The index of the node every running node names as leader, or -1 while they do not agree. */
  public int agreedLeader() {
    return agreedLeaderWithout(-1);
  }

  /**
   * As {@link #agreedLeader()}, not asking node {@code ignored}: a frozen node answers nobody,
   * and waiting out its status deadline would make every poll that long.
   */
  public int agreedLeaderWithout(int ignored) {
    String agreed = null;
    for (int i = 0; i < size; i++) {
      if (!isRunning(i) || i == ignored) {
        continue;
      }
      Optional<StatusResponse> s = status(i);
      if (s.isEmpty() || s.get().getLeaderId().isEmpty()) {
        return -1;
      }
      if (agreed != null && !agreed.equals(s.get().getLeaderId())) {
        return -1;
      }
      agreed = s.get().getLeaderId();
    }
    for (int i = 0; i < size; i++) {
      if (id(i).equals(agreed) && isRunning(i)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The leader a majority of all nodes names (a node cut off from them may still believe
   * otherwise), or -1.
   */
  public int majorityLeader() {
    // Every node is asked at once, with a short deadline: a paused node delays the answer by
    // at most that deadline instead of stalling a sampler for seconds.
    List<ListenableFuture<StatusResponse>> asks = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      asks.add(isRunning(i) ? BearerToken.attach(QuorumWatchGrpc.newFutureStub(apiChannels.channel(i)), token)
          .withDeadlineAfter(MAJORITY_POLL_DEADLINE_MS, TimeUnit.MILLISECONDS)
          .getStatus(StatusRequest.getDefaultInstance()) : null);
    }
    Map<String, Integer> votes = new HashMap<>();
    for (ListenableFuture<StatusResponse> ask : asks) {
      try {
        String leader = ask == null ? "" : ask.get().getLeaderId();
        if (!leader.isEmpty()) {
          votes.merge(leader, 1, Integer::sum);
        }
      } catch (ExecutionException noAnswer) {
        // not counted
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      int leader = indexOf(e.getKey());
      if (e.getValue() >= size / 2 + 1 && leader >= 0 && isRunning(leader)) {
        return leader;
      }
    }
    return -1;
  }

  /** Waits (polling every 50 ms) until the running nodes agree on a running leader. */
  public int awaitLeader(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      int leader = agreedLeader();
      if (leader >= 0) {
        return leader;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no agreed leader within " + timeoutMs + " ms; logs in " + dir);
  }

  /** Waits until there is a leader and every member is fresh (heartbeats reach the state machine). */
  public void awaitAllFresh(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      Optional<StatusResponse> s = status(anyRunning());
      if (s.isPresent() && !s.get().getLeaderId().isEmpty() && s.get().getMembersList().stream().allMatch(m -> m.getFresh())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not every node became fresh within " + timeoutMs + " ms; logs in " + dir);
  }

  /** Waits until every target has {@code verdict} on some running node; false on timeout. */
  public boolean awaitAllTargets(Verdict verdict, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      try {
        boolean all = client(anyRunning()).listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList().stream()
            .allMatch(t -> t.getVerdict() == verdict);
        if (all) {
          return true;
        }
      } catch (RuntimeException e) {
        // a node restarting or electing: ask again
      }
      Thread.sleep(100);
    }
    return false;
  }

  public int anyRunning() {
    for (int i = 0; i < size; i++) {
      if (isRunning(i)) {
        return i;
      }
    }
    throw new IllegalStateException("no node is running");
  }

  public ApplyResponse apply(String yaml) {
    return client(anyRunning()).withDeadlineAfter(60, TimeUnit.SECONDS)
        .apply(ApplyRequest.newBuilder().setYaml(yaml).setFileName("monitors.yaml").build());
  }

  /**
   * A Ratis client holding node {@code i}'s identity: its config's group and, with TLS, its
   * certificate (the config must have been written: {@link #writeConfig}).
   */
  public RaftClient raftClient(int i, RetryPolicy retries) throws ConfigException {
    NodeConfig config = NodeConfigLoader.load(configFile(i));
    return raftClient(config, config.tls().map(NodeTls::ratisParameters).orElseGet(Parameters::new), retries);
  }

  /** A Ratis client for node {@code i}'s group that shows {@code identity} in its TLS handshakes. */
  public RaftClient raftClient(int i, TlsFiles identity, RetryPolicy retries) throws ConfigException {
    return raftClient(NodeConfigLoader.load(configFile(i)), NodeTls.ratisParameters(identity), retries);
  }

  private static RaftClient raftClient(NodeConfig config, Parameters tls, RetryPolicy retries) {
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    return RaftClient.newBuilder().setProperties(props).setRaftGroup(RaftSettings.groupOf(config)).setParameters(tls)
        .setRetryPolicy(retries).build();
  }

  /** Asks node {@code i} to write a Raft snapshot now (Ratis admin API); returns the reply. */
  public RaftClientReply snapshot(int i) throws IOException, ConfigException {
    try (RaftClient client = raftClient(i, RetryPolicies.retryUpToMaximumCountWithFixedSleep(30,
        TimeDuration.valueOf(1, TimeUnit.SECONDS)))) {
      RaftClientReply reply = client.getSnapshotManagementApi(RaftPeerId.valueOf(id(i))).create(1, 30_000);
      if (!reply.isSuccess()) {
        throw new IOException("snapshot on " + id(i) + " failed: " + reply.getException());
      }
      return reply;
    }
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws InterruptedException {
    for (int i = 0; i < size; i++) {
      kill(i);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException alreadyExiting) {
      // the hook is running or ran: the processes are gone either way
    }
    apiChannels.close();
    if (deleteOnClose) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temp dir is harmless
      }
    }
  }
}
