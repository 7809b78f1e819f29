package dev.quorumwatch.harness.cluster;

import dev.quorumwatch.node.auth.BearerToken;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.node.demo.TempDirs;
import dev.quorumwatch.node.tls.NodeTls;
import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.ApplyResponse;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.TargetStatus;
import dev.quorumwatch.proto.Verdict;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * N real node processes ({@code quorumwatch node --config ...}) on loopback, each with its
 * own config, data dir and log file under one directory. Nodes can be SIGKILLed and
 * restarted from their data dir. {@link #close()} kills every process it started.
 * Used by {@code quorumwatch bench} and by the cluster tests.
 */
public final class LocalCluster implements AutoCloseable {
  public static final String[] REGIONS = {"us-west", "us-east", "eu-west", "ap-southeast", "sa-east"};

  private final Path dir;
  private final boolean deleteOnClose;
  private final int size;
  private final NodeConfigs configs;
  private final NodeLaunch launch = new NodeLaunch();
  private final Process[] processes;
  private String token;
  private final ApiChannels apiChannels = new ApiChannels(this::api);
  /** Kills the nodes if this JVM exits without close() (Ctrl-C on a bench): nothing is left running. */
  private final Thread killOnExit = new Thread(this::killAll, "qw-local-cluster-exit");

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
    this.processes = new Process[size];
    Files.createDirectories(this.dir);
    int[] raftPorts = new int[size];
    int[] apiPorts = new int[size];
    int[] httpPorts = new int[size];
    for (int i = 0; i < size; i++) {
      raftPorts[i] = FreePorts.next();
      apiPorts[i] = FreePorts.next();
      httpPorts[i] = FreePorts.next();
    }
    this.configs = new NodeConfigs(raftPorts, apiPorts, httpPorts, clusterId, extraClusterYaml);
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
    launch.environment.put(name, value);
    return this;
  }

  /**
   * Only the first {@code members} nodes form the cluster; the others are started later and
   * added with {@code members add}, the way an operator grows a cluster.
   */
  public LocalCluster withBootstrapMembers(int members) {
    configs.bootstrapMembers = members;
    return this;
  }

  /** More top-level keys for every node's node.yaml (for example an {@code auth:} section). */
  public LocalCluster withNodeYaml(String yaml) {
    configs.extraNodeYaml = yaml;
    return this;
  }

  /** The API token this harness's own calls send (the cluster was configured with auth). */
  public LocalCluster withToken(String token) {
    this.token = token;
    return this;
  }

  /** Extra arguments for every node's {@code node} command (for example {@code --log-format json}). */
  public LocalCluster withNodeArguments(String... arguments) {
    launch.arguments.addAll(List.of(arguments));
    return this;
  }

  /** Sets an environment variable for node {@code i} only, from its next start. */
  public LocalCluster withNodeEnvironment(int i, String name, String value) {
    launch.setFor(i, name, value);
    return this;
  }

  /**
   * Every node gets a tls section: {@code certDir} holds what deploy/local/make-certs.sh makes
   * ({@code ca.crt}, and {@code ID.crt}, {@code ID.key} per node); the harness's own calls
   * trust that CA.
   */
  public LocalCluster withTls(Path certDir) throws IOException {
    configs.tlsDir = certDir;
    apiChannels.useTls(NodeTls.clientContext(caFile().orElseThrow()));
    return this;
  }

  /** Node {@code i} takes its TLS files from {@code certDir} instead (another CA's, say). */
  public LocalCluster withNodeTls(int i, Path certDir) {
    configs.nodeTlsDirs.put(i, certDir);
    return this;
  }

  /** The CA the harness's calls trust, when the cluster runs TLS. */
  public Optional<Path> caFile() {
    return configs.caFile();
  }

  public int[] raftPorts() {
    return configs.raftPorts.clone();
  }

  /**
   * Peers reach node {@code i}'s Raft port at {@code port} (a proxy in front of it) instead of
   * the port it listens on; applies to configs written from now on (at each start).
   */
  public void advertiseRaftPort(int i, int port) {
    configs.advertisedRaftPorts[i] = port;
  }

  public List<String> ids() {
    return List.of(REGIONS).subList(0, size);
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
    return "127.0.0.1:" + configs.advertisedRaftPorts[i];
  }

  public String api(int i) {
    return "127.0.0.1:" + configs.apiPorts[i];
  }

  public int httpPort(int i) {
    return configs.httpPorts[i];
  }

  public void startAll() throws IOException {
    for (int i = 0; i < size; i++) {
      start(i);
    }
  }

  /** Writes node i's node.yaml (start does too): for tools that need it before the node runs. */
  public Path writeConfig(int i) throws IOException {
    return Files.writeString(configFile(i), configs.yaml(i));
  }

  public void start(int i) throws IOException {
    try {
      TimedSections.beforeStart(); // no start beside another test's timed measurement
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted before starting " + id(i));
    }
    apiChannels.drop(i);
    writeConfig(i);
    processes[i] = launch.start(i, configFile(i), logFile(i), i >= configs.bootstrapMembers);
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

  /** A stub for asynchronous calls to node {@code i}, with this harness's token. */
  QuorumWatchGrpc.QuorumWatchFutureStub futureStub(int i) {
    return BearerToken.attach(QuorumWatchGrpc.newFutureStub(apiChannels.channel(i)), token);
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
    return Agreement.leaderWithout(this, -1);
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
      // Members are listed once the first leader commits the cluster's settings: until then
      // "all fresh" would hold of an empty list.
      if (s.isPresent() && !s.get().getLeaderId().isEmpty() && s.get().getMembersCount() > 0
          && s.get().getMembersList().stream().allMatch(m -> m.getFresh())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not every node became fresh within " + timeoutMs + " ms; logs in " + dir);
  }

  /**
   * Waits until every target has {@code verdict} on some running node; false on timeout. A
   * node that lists no targets has not applied any monitors yet, so it does not count.
   */
  public boolean awaitAllTargets(Verdict verdict, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      try {
        List<TargetStatus> targets = client(anyRunning()).listTargets(ListTargetsRequest.getDefaultInstance())
            .getTargetsList();
        if (!targets.isEmpty() && targets.stream().allMatch(t -> t.getVerdict() == verdict)) {
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
      TempDirs.deleteTree(dir);
    }
  }
}
