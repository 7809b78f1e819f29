package dev.quorumwatch.node.cli;

import dev.quorumwatch.node.MonitorNode;
import dev.quorumwatch.node.auth.ApiAuth;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.SecretAllowance;
import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.demo.ConsoleWebhookSink;
import dev.quorumwatch.node.demo.DemoTarget;
import dev.quorumwatch.node.demo.FreePorts;
import dev.quorumwatch.node.demo.TempDirs;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.WatchRequest;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a 3-node cluster on loopback (regions us-west, us-east, eu-west) watching a built-in"
        + " demo target, with a console webhook receiver. Type 'down' / 'up' to flip the target; Ctrl-C stops everything.")
final class DemoCommand implements Callable<Integer> {
  static final String[] REGIONS = {"us-west", "us-east", "eu-west"};

  @Option(names = "--status-every", defaultValue = "5", paramLabel = "SECONDS",
      description = "Print the targets table every SECONDS (default: ${DEFAULT-VALUE}; 0 = never).")
  int statusEverySeconds;

  @Option(names = "--verbose", description = "Also print each node's own log lines on stderr. The three nodes run in"
      + " this process, so each event then appears once per node; without it, each cluster event prints once.")
  boolean verbose;

  @Mixin
  LogOptions logging;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    if (!verbose) {
      LogOptions.onlyWarnings();
    }
    Path dir = Files.createTempDirectory("quorumwatch-demo-");
    DemoTarget target = new DemoTarget(FreePorts.next());
    ConsoleWebhookSink sink = new ConsoleWebhookSink(FreePorts.next(), System.out);
    List<NodeConfig> configs = configs(dir, target.port(), sink);
    List<MonitorNode> nodes = new ArrayList<>();
    ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "qw-demo-status");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nstopping the demo cluster...");
      status.shutdownNow();
      nodes.forEach(MonitorNode::close);
      sink.close();
      target.close();
      TempDirs.deleteTree(dir);
      System.out.println("demo stopped; nothing left running.");
      stopped.countDown();
    }, "qw-demo-stop"));

    target.start();
    sink.start();
    for (NodeConfig c : configs) {
      MonitorNode node = new MonitorNode(c);
      nodes.add(node);
      node.start();
    }
    System.out.printf("""

        QuorumWatch demo: 3 nodes on loopback (%s), watching http://127.0.0.1:%d/health every 1s.
          API (try: bin/quorumwatch status)  %s
          status pages                       http://%s/  http://%s/  http://%s/
          cluster events and webhooks print here, once each (--verbose adds each node's log); data in %s (removed on exit)

          Take the target down:   type 'down' + Enter   (or: curl http://127.0.0.1:%d/down)
          Bring it back:          type 'up' + Enter     (or: curl http://127.0.0.1:%d/up)
          Stop everything:        Ctrl-C

        """, String.join(", ", REGIONS), target.port(), configs.get(0).apiListen(),
        configs.get(0).httpListen(), configs.get(1).httpListen(), configs.get(2).httpListen(), dir, target.port(),
        target.port());
    printEvents(configs.get(0).apiListen().toString());
    if (statusEverySeconds > 0) {
      ClientOptions client = new ClientOptions();
      client.server = configs.get(0).apiListen().toString();
      status.scheduleWithFixedDelay(() -> printStatus(client), statusEverySeconds, statusEverySeconds, TimeUnit.SECONDS);
    }
    readCommands(target);
    stopped.await();
    return 0;
  }

  /** Each cluster event once, as one node applies it (the nodes' own logs would show it three times). */
  private static void printEvents(String api) {
    Thread watcher = new Thread(() -> {
      ClientOptions client = new ClientOptions();
      client.server = api;
      ManagedChannel channel = client.channel();
      try {
        Iterator<Event> events = client.stub(channel).watch(WatchRequest.getDefaultInstance());
        while (events.hasNext()) {
          System.out.println("event " + WatchCommand.line(events.next()));
        }
      } catch (StatusRuntimeException e) {
        // the demo is stopping
      } finally {
        channel.shutdownNow();
      }
    }, "qw-demo-events");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void printStatus(ClientOptions client) {
    try {
      System.out.print("\n" + TargetsCommand.table(client.call(s -> s.listTargets(ListTargetsRequest.getDefaultInstance()))));
    } catch (RuntimeException e) {
      System.out.println("status unavailable: " + e.getMessage());
    }
  }

  private static void readCommands(DemoTarget target) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          switch (line.trim().toLowerCase()) {
            case "down" -> {
              target.setUp(false);
              System.out.println("demo target is now DOWN for every region; expect a firing webhook in ~2-3 s");
            }
            case "up" -> {
              target.setUp(true);
              System.out.println("demo target is now UP; expect a resolved webhook in ~2-3 s");
            }
            case "" -> { }
            default -> System.out.println("type 'down' or 'up' (Ctrl-C to stop)");
          }
        }
      } catch (IOException ignored) {
        // stdin closed: keep running until Ctrl-C
      }
    }, "qw-demo-stdin");
    reader.setDaemon(true);
    reader.start();
  }

  private static List<NodeConfig> configs(Path dir, int targetPort, ConsoleWebhookSink sink) throws IOException {
    List<NodeConfig.Peer> peers = new ArrayList<>();
    List<HostPort> https = new ArrayList<>();
    for (String region : REGIONS) {
      peers.add(new NodeConfig.Peer(region, region, new HostPort("127.0.0.1", FreePorts.next()),
          new HostPort("127.0.0.1", FreePorts.next())));
      https.add(new HostPort("127.0.0.1", FreePorts.next()));
    }
    Path monitors = dir.resolve("monitors.yaml");
    Files.writeString(monitors, """
        targets:
          - id: demo-web
            http: {url: "http://127.0.0.1:%d/health", expect_status: [200]}
            interval: 1s
            timeout: 800ms
            failure_threshold: 2
            recovery_threshold: 2
            labels: {service: demo}
        receivers:
          - id: console
            webhook: {url: "%s"}
        """.formatted(targetPort, sink.url()));
    List<NodeConfig> configs = new ArrayList<>();
    for (int i = 0; i < peers.size(); i++) {
      NodeConfig.Peer p = peers.get(i);
      configs.add(new NodeConfig(p.id(), p.region(), dir.resolve(p.id()), p.raft(), p.api(), https.get(i), "demo",
          List.copyOf(peers), 2, true, NodeConfig.DEFAULT_HEARTBEAT_INTERVAL_MS, 3 * NodeConfig.DEFAULT_HEARTBEAT_INTERVAL_MS,
          NodeConfig.DEFAULT_ELECTION_TIMEOUT_MS, Optional.of(monitors), Set.of(), ApiAuth.NONE, Optional.empty(), DeniedNetworks.NONE,
          SecretAllowance.DEFAULT, Optional.empty())); // loopback, insecure, plaintext
    }
    return configs;
  }
}
