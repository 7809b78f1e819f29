package dev.quorumwatch.node.testing;

import static org.awaitility.Awaitility.await;

import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.ApplyResponse;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;

/**
 * A real cluster for tests: N node processes ({@code quorumwatch node --config ...}) on
 * loopback, each with its own data dir and log file under {@code target/clusters/<name>}.
 * Processes can be SIGKILLed and restarted from their data dir. {@link #close()} kills all.
 */
public final class NodeProcesses implements AutoCloseable {
  public static final String[] REGIONS = {"us-west", "us-east", "eu-west", "ap-south", "sa-east"};

  private final Path dir;
  private final int size;
  private final int[] raftPorts;
  private final int[] apiPorts;
  private final int[] httpPorts;
  private final Process[] processes;
  private final List<ManagedChannel> channels = new ArrayList<>();

  public NodeProcesses(String name, int size) throws IOException {
    this.dir = Path.of("target", "clusters", name + "-" + System.currentTimeMillis()).toAbsolutePath();
    this.size = size;
    this.raftPorts = new int[size];
    this.apiPorts = new int[size];
    this.httpPorts = new int[size];
    this.processes = new Process[size];
    Files.createDirectories(dir);
    for (int i = 0; i < size; i++) {
      raftPorts[i] = FreePorts.next();
      apiPorts[i] = FreePorts.next();
      httpPorts[i] = FreePorts.next();
    }
    for (int i = 0; i < size; i++) {
      Files.writeString(configFile(i), config(i));
    }
  }

  public String id(int i) {
    return REGIONS[i];
  }

  public int size() {
    return size;
  }

  public Path configFile(int i) {
    return dir.resolve(id(i) + ".yaml");
  }

  public int httpPort(int i) {
    return httpPorts[i];
  }

  public String api(int i) {
    return "127.0.0.1:" + apiPorts[i];
  }

  private String config(int i) {
    StringBuilder peers = new StringBuilder();
    for (int p = 0; p < size; p++) {
      peers.append("    - {id: ").append(id(p)).append(", raft: 127.0.0.1:").append(raftPorts[p])
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
          id: test
          quorum: majority
          peers:
        %s""".formatted(id(i), id(i), id(i), raftPorts[i], apiPorts[i], httpPorts[i], peers);
  }

  public void startAll() throws IOException {
    for (int i = 0; i < size; i++) {
      start(i);
    }
  }

  public void start(int i) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        "dev.quorumwatch.node.cli.Main", "node", "--config", configFile(i).toString());
    pb.environment().put(Monitors.SECRET_ENV, Monitors.SECRET);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id(i) + ".log").toFile()));
    processes[i] = pb.start();
  }

  /** SIGKILL: the process gets no chance to clean up, like a crashed machine. */
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

  public QuorumWatchGrpc.QuorumWatchBlockingStub client(int i) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(api(i)).usePlaintext().build();
    synchronized (channels) {
      channels.add(channel);
    }
    return QuorumWatchGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** The status as one running node sees it, if it answers. */
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

  /** Index of the node every running node agrees leads, once they do. */
  public int awaitLeader(Duration within) {
    int[] leader = {-1};
    await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
      String agreed = null;
      for (int i = 0; i < size; i++) {
        if (!isRunning(i)) {
          continue;
        }
        Optional<StatusResponse> s = status(i);
        if (s.isEmpty() || s.get().getLeaderId().isEmpty()) {
          return false;
        }
        if (agreed != null && !agreed.equals(s.get().getLeaderId())) {
          return false;
        }
        agreed = s.get().getLeaderId();
      }
      for (int i = 0; i < size; i++) {
        if (id(i).equals(agreed) && isRunning(i)) {
          leader[0] = i;
          return true;
        }
      }
      return false;
    });
    return leader[0];
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
    return client(anyRunning()).apply(ApplyRequest.newBuilder().setYaml(yaml).setFileName("monitors.yaml").build());
  }

  /** Asks node {@code i} to write a Raft snapshot now (Ratis admin API). */
  public void snapshot(int i) throws Exception {
    NodeConfig config = NodeConfigLoader.load(configFile(i));
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    try (RaftClient client = RaftClient.newBuilder().setProperties(props).setRaftGroup(RaftNode.groupOf(config)).build()) {
      RaftClientReply reply = client.getSnapshotManagementApi(RaftPeerId.valueOf(id(i))).create(1, 10_000);
      if (!reply.isSuccess()) {
        throw new IllegalStateException("snapshot on " + id(i) + " failed: " + reply.getException());
      }
    }
  }

  public String log(int i) throws IOException {
    return Files.readString(logFile(i));
  }

  public Path logFile(int i) {
    return dir.resolve(id(i) + ".log");
  }

  @Override
  public void close() throws InterruptedException {
    for (int i = 0; i < size; i++) {
      kill(i);
    }
    synchronized (channels) {
      channels.forEach(ManagedChannel::shutdownNow);
      channels.clear();
    }
  }

  public File dir() {
    return dir.toFile();
  }
}
