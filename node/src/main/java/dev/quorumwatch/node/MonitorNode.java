package dev.quorumwatch.node;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.alert.NotificationDispatcher;
import dev.quorumwatch.node.alert.ReceiverTester;
import dev.quorumwatch.node.alert.Receivers;
import dev.quorumwatch.node.alert.RetryDelay;
import dev.quorumwatch.node.api.ApiServer;
import dev.quorumwatch.node.api.EventHub;
import dev.quorumwatch.node.api.QuorumWatchService;
import dev.quorumwatch.node.backup.RestoreSeed;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.heartbeat.PingBatcher;
import dev.quorumwatch.node.heartbeat.PingEndpoint;
import dev.quorumwatch.node.heartbeat.PingTokens;
import dev.quorumwatch.node.http.HttpEndpoints;
import dev.quorumwatch.node.metrics.DirectorySize;
import dev.quorumwatch.node.metrics.LatencyHistory;
import dev.quorumwatch.node.metrics.TargetMetrics;
import dev.quorumwatch.node.probe.ProbeEngine;
import dev.quorumwatch.node.probe.ProbeScheduler;
import dev.quorumwatch.node.probe.ProbeStats;
import dev.quorumwatch.node.raft.ClusterSettingsPublisher;
import dev.quorumwatch.node.raft.LeadershipWatcher;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.node.raft.StuckFollowerWatch;
import dev.quorumwatch.node.raft.Ticker;
import dev.quorumwatch.node.repair.RepairExecutor;
import dev.quorumwatch.node.report.EventLines;
import dev.quorumwatch.node.report.Reporter;
import dev.quorumwatch.node.report.StatusReport;
import dev.quorumwatch.node.report.ViewChanges;
import dev.quorumwatch.node.receiver.HttpPoster;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.node.statuspage.PublicPages;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.TargetSpec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One monitor node: the composition root that wires probes, reporter, Raft member,
 * leader-only duties and the API together, and takes them down in reverse order.
 */
public final class MonitorNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MonitorNode.class);
  static final int PROBE_THREADS = 1;

  private final NodeConfig config;
  private final MetricRegistry metrics = new MetricRegistry();
  /** Exports {@link #metrics} and holds the labelled series ({@link TargetMetrics}, JVM). */
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final Counter leaderChanges = metrics.counter("quorumwatch.raft.leader_changes");
  private final TargetMetrics targetMetrics;
  /** The status page's sparklines: the last minute or so at a 1 s interval. */
  private final LatencyHistory latencyHistory = new LatencyHistory(60);
  private final MonitorStateMachine state = new MonitorStateMachine(System::currentTimeMillis);
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemonThreads("qw-timer"));
  private final ScheduledExecutorService dispatcherThread = Executors.newSingleThreadScheduledExecutor(daemonThreads("qw-dispatch"));
  private final ScheduledExecutorService repairThread = Executors.newSingleThreadScheduledExecutor(daemonThreads("qw-repair"));
  private final ExecutorService io = Executors.newCachedThreadPool(daemonThreads("qw-io"));
  private final EventHub events = new EventHub();
  private final RaftNode raft;
  private final ProbeEngine probeEngine;
  private final ProbeScheduler probes;
  private final Reporter reporter;
  private final EventLines eventLines;
  private final PingTokens pingTokens = new PingTokens();
  private final NotificationDispatcher dispatcher;
  private final ReceiverTester receiverTester;
  private final RepairExecutor repairs;
  private final Ticker ticker;
  private final StuckFollowerWatch stuckFollowers;
  private final ClusterSettingsPublisher settings;
  private final LeadershipWatcher leadership;
  private final RestoreSeed restoreSeed;
  private final ApiServer api;
  private final HttpEndpoints http;
  private final List<AutoCloseable> started = new ArrayList<>();
  static final long STATUS_REPORT_EVERY_MS = 60_000;
  static final long LEADERSHIP_HANDOVER_TIMEOUT_MS = 5_000;
  static final int STATUS_PAGE_RECENT_INCIDENTS = 20;

  public MonitorNode(NodeConfig config) throws IOException {
    this(config, false);
  }

  /** {@code join}: the first start of a node that `members add` adds to a running cluster. */
  public MonitorNode(NodeConfig config, boolean join) throws IOException {
    this.config = config;
    this.targetMetrics = new TargetMetrics(prometheus, state::read);
    this.raft = new RaftNode(config, state, join, metrics);
    String userAgent = "quorumwatch/" + Version.current() + " (node=" + config.nodeId() + "; region=" + config.region() + ")";
    Secrets secrets = Secrets.ofThisNode(config.secrets());
    this.probeEngine = new ProbeEngine(config.nodeId(), PROBE_THREADS, userAgent, config.deniedNetworks(), secrets);
    this.eventLines = new EventLines(config.nodeId(), System.currentTimeMillis());
    // One direction: the probes hand their changes in; the reporter takes them and the full view.
    ViewChanges changes = new ViewChanges();
    this.probes = new ProbeScheduler(config.nodeId(), timers, probeEngine::proberFor,
        changes::changed, metrics, (target, ok, failureClass, latencyMs) -> {
          targetMetrics.recordProbe(target, ok, failureClass, latencyMs);
          latencyHistory.record(target, ok, latencyMs);
        }, probeEngine.stalls());
    this.reporter = new Reporter(config.nodeId(), config.region(), raft, changes, probes::fullView,
        probes::withdrawOutdated, timers, metrics);
    HttpClient webhookClient = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1)
        .executor(io)
        .build();
    // SMTP blocks: it runs on the cached io pool, at most one send in flight per receiver lane.
    SendContext sending = new SendContext(new HttpPoster(webhookClient, config.deniedNetworks(), io,
        secrets, System::currentTimeMillis), config.deniedNetworks(), io, config.nodeId(),
        System::currentTimeMillis);
    Receivers receivers = new Receivers(sending, (config.tls().isPresent() ? "https://" : "http://")
        + config.httpListen() + "/");
    this.dispatcher = new NotificationDispatcher(state, raft, receivers, dispatcherThread, System::currentTimeMillis,
        new RetryDelay(NotificationDispatcher.RETRY_BASE_MS, NotificationDispatcher.RETRY_MAX_MS,
            NotificationDispatcher.RETRY_AFTER_MAX_MS, new Random()), metrics);
    this.receiverTester = new ReceiverTester(receivers, System::currentTimeMillis);
    this.repairs = RepairExecutor.create(state, raft, webhookClient, io, config.allowedRepairCommands(), secrets,
        config.deniedNetworks(), repairThread);
    this.ticker = new Ticker(raft, state::appliedIndex, timers, config.heartbeatIntervalMs());
    this.stuckFollowers = new StuckFollowerWatch(raft, timers, io);
    this.restoreSeed = new RestoreSeed(config.dataDir(), raft, () -> state.read(Coordinator::restoredBackupId), timers);
    this.settings = new ClusterSettingsPublisher(config, raft::raftMembers, () -> state.read(Coordinator::clusterSettings),
        () -> state.read(c -> c.monitorsIndex() == 0), raft, timers, config.heartbeatIntervalMs());
    this.leadership = new LeadershipWatcher(raft, timers, new LeadershipWatcher.LeaderDuty() {
      @Override
      public void startLeading() {
        log.info("leading node={} term={}: starting ticker, notification dispatcher and repair executor", config.nodeId(),
            raft.term());
        settings.start();
        ticker.start();
        dispatcher.start();
        repairs.start();
        stuckFollowers.start();
      }

      @Override
      public void stopLeading() {
        log.info("not leading node={}: stopping ticker, notification dispatcher and repair executor", config.nodeId());
        settings.stop();
        ticker.stop();
        dispatcher.stop();
        repairs.stop();
        stuckFollowers.stop();
      }
    });
    QuorumWatchService service = new QuorumWatchService(config, state, raft, events, io, dispatcher::attempts,
        receiverTester, secrets);
    this.api = new ApiServer(config.apiListen(), service, config.auth(), config.tls());
    registerRaftGauges();
    this.http = new HttpEndpoints(config.httpListen(), config.tls(), config.auth(), raft, metrics, prometheus,
        () -> service.statusPage(latencyHistory.snapshot(), STATUS_PAGE_RECENT_INCIDENTS),
        new PingEndpoint(pingTokens, new PingBatcher(raft), () -> raft.leaderId().isPresent(), config.nodeId()),
        new PublicPages(state::read));
    for (Command.KindCase kind : Command.KindCase.values()) {
      if (kind != Command.KindCase.KIND_NOT_SET) {
        metrics.register("quorumwatch.raft.applied." + kind.name().toLowerCase(Locale.ROOT),
            (Gauge<Long>) () -> state.appliedCount(kind));
      }
    }
    metrics.register("quorumwatch.raft.log_bytes_applied", (Gauge<Long>) state::appliedBytes);
    state.addListener(new MonitorStateMachine.Listener() {
      @Override
      public void onApplied(long index, List<Event> applied) {
        onEvents(applied);
      }

      @Override
      public void onLeaderChanged(RaftPeerId leaderId) {
        leaderChanges.inc();
        // Off Ratis' notification thread: a new client and a write.
        timers.execute(() -> {
          raft.writeToCurrentLeader();
          reporter.onLeaderChanged();
        });
        leadership.nudge();
      }
    });
  }

  private void onEvents(List<Event> applied) {
    eventLines.lines(applied).forEach(log::info);
    boolean outboxMayHaveChanged = false;
    boolean repairsMayBeDue = false;
    for (Event e : applied) {
      switch (e.getType()) {
        case EVENT_KIND_MONITORS_APPLIED -> {
          repairsMayBeDue = true;
          List<TargetSpec> targets = targets();
          probes.reconcile(targets);
          pingTokens.update(targets);
          Set<String> ids = targets.stream().map(TargetSpec::getId).collect(Collectors.toSet());
          targetMetrics.retain(ids);
          latencyHistory.retain(ids);
          outboxMayHaveChanged = true;
        }
        case EVENT_KIND_NOTIFICATION_QUEUED -> outboxMayHaveChanged = true;
        case EVENT_KIND_VERDICT, EVENT_KIND_REPAIR_LADDER, EVENT_KIND_REPAIR_ATTEMPT_STARTED,
            EVENT_KIND_REPAIR_ATTEMPT_FINISHED -> repairsMayBeDue = true;
        default -> { }
      }
    }
    if (outboxMayHaveChanged) {
      dispatcher.wake();
    }
    if (repairsMayBeDue) {
      repairs.wake();
    }
    events.publish(applied);
  }

  /** The minute's compact status report (see {@link StatusReport}). */
  private void logStatusReport() {
    try {
      Map<String, ProbeStats> stats = probes.drainStats();
      List<String> lines = state.read(c -> StatusReport.lines(config.nodeId(), c.targetRows(), stats, c::repair,
          (int) c.incidents().stream().filter(i -> i.getOpen()).count()));
      lines.forEach(log::info);
    } catch (RuntimeException e) {
      log.warn("status report failed node={} error=\"{}\"", config.nodeId(), e.toString());
    }
  }

  private List<TargetSpec> targets() {
    return state.read(c -> List.copyOf(c.monitors().getTargetsList()));
  }

  public void start() throws IOException {
    raft.start();
    started.add(raft);
    restoreSeed.start(config.heartbeatIntervalMs());
    started.add(restoreSeed);
    started.add(probeEngine);
    List<TargetSpec> targets = targets();
    probes.reconcile(targets);
    pingTokens.update(targets);
    started.add(probes);
    reporter.start(config.heartbeatIntervalMs());
    started.add(reporter);
    leadership.start();
    started.add(leadership);
    api.start();
    started.add(api);
    http.start();
    started.add(http);
    ScheduledFuture<?> statusReports = timers.scheduleAtFixedRate(this::logStatusReport, STATUS_REPORT_EVERY_MS,
        STATUS_REPORT_EVERY_MS, TimeUnit.MILLISECONDS);
    started.add(() -> statusReports.cancel(false));
    if (config.tls().isEmpty() && !config.raftListen().isLoopback()) {
      log.warn("raft port unprotected node={} raft={}: anyone who can reach it can submit commands to the cluster"
          + " (cluster.insecure_peers: true); configure tls in node.yaml (docs/security.md)", config.nodeId(),
          config.raftListen());
    }
    if (!config.authenticated()) {
      log.warn("api unauthenticated node={} api={}: anyone who can reach it can change the cluster; configure"
          + " auth.tokens in node.yaml (docs/security.md)", config.nodeId(), config.apiListen());
    }
    log.info("node started id={} region={} raft={} api={} http={} data_dir={} version={}", config.nodeId(),
        config.region(), config.raftListen(), config.apiListen(), config.httpListen(), config.dataDir(),
        Version.current());
  }

  public NodeConfig config() {
    return config;
  }

  public MonitorStateMachine state() {
    return state;
  }

  public RaftNode raft() {
    return raft;
  }

  @Override
  public void close() {
    if (!started.isEmpty()) {
      handOverLeadership();
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("error while stopping {}: {}", started.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    started.clear();
    dispatcherThread.shutdownNow();
    repairThread.shutdownNow();
    timers.shutdownNow();
    io.shutdownNow();
    try {
      timers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("node stopped id={}", config.nodeId());
  }

  private void registerRaftGauges() {
    metrics.register("quorumwatch.raft.term", (Gauge<Long>) raft::term);
    metrics.register("quorumwatch.raft.leader", (Gauge<Integer>) () -> raft.isLeaderReady() ? 1 : 0);
    metrics.register("quorumwatch.raft.applied_index", (Gauge<Long>) state::appliedIndex);
    metrics.register("quorumwatch.raft.log_bytes", new CachedGauge<Long>(10, TimeUnit.SECONDS) {
      @Override
      protected Long loadValue() {
        return DirectorySize.of(config.dataDir());
      }
    });
  }

  /**
   * A leader that stops hands over first: freshly heard members are asked in turn, so a
   * rolling restart costs one quick transfer per leader rather than an election timeout.
   */
  private void handOverLeadership() {
    if (!raft.isLeaderReady()) {
      return;
    }
    long startedMs = System.currentTimeMillis();
    List<String> candidates = state.read(c -> List.copyOf(c.membership().freshNodes(c.clockMs())));
    Optional<String> next = raft.transferLeadership(candidates, LEADERSHIP_HANDOVER_TIMEOUT_MS);
    if (next.isPresent()) {
      log.info("leadership handed over node={} to={} took_ms={}", config.nodeId(), next.get(),
          System.currentTimeMillis() - startedMs);
    } else {
      log.warn("leadership not handed over node={} candidates={} took_ms={}: the others elect a leader after "
          + "their election timeout", config.nodeId(), candidates, System.currentTimeMillis() - startedMs);
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
