package dev.quorumwatch.harness.faults;

import dev.quorumwatch.harness.cluster.Agreement;
import dev.quorumwatch.harness.cluster.ClusterNetwork;
import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.links.LinkProxies;
import dev.quorumwatch.harness.targets.SimTargetServer;
import dev.quorumwatch.harness.targets.WebhookSink;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.StatusResponse;
import dev.quorumwatch.proto.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A real cluster under attack: node processes whose Raft links go through {@link LinkProxies},
 * simulated targets whose state per node the harness sets, and a webhook sink. Every fault it
 * applies is recorded in a {@link ChaosLog}, which the {@link ChaosChecker} judges against.
 */
public final class FaultyCluster implements AutoCloseable {
  public static final long INTERVAL_MS = 1_000;
  public static final int THRESHOLD = 2;

  private final LocalCluster cluster;
  /** The run's directory goes at close; a kept one also gets the run's {@link ChaosRecord}. */
  private final boolean deleteOnClose;
  private final LinkProxies links;
  private final SimTargetServer targets;
  private final WebhookSink sink;
  private final ChaosLog log;
  private final int targetCount;
  private final boolean[] paused;
  private final RestartedNodes restarted;
  private final MachineStalls stalls;
  private final Thread leaderSampler;
  private volatile boolean sampling = true;
  private long startTerm;
  private Set<String> warmUpIncidents = Set.of();

  /** {@code network}: the wide-area links (under every injected fault) and the election timeout. */
  public FaultyCluster(Path dir, boolean deleteOnClose, int nodes, int targetCount, ClusterNetwork network)
      throws IOException, InterruptedException {
    this.cluster = new LocalCluster(dir, deleteOnClose, nodes, "chaos", network.clusterYaml());
    this.deleteOnClose = deleteOnClose;
    this.links = new LinkProxies(cluster.ids(), cluster.raftPorts(), i -> cluster.isRunning(i) ? cluster.pid(i) : -1L,
        network.profile(nodes));
    for (int i = 0; i < nodes; i++) {
      cluster.advertiseRaftPort(i, links.advertisedPort(i));
    }
    this.targets = new SimTargetServer(targetCount, 5_000);
    this.sink = new WebhookSink();
    this.log = new ChaosLog(nodes, now());
    this.targetCount = targetCount;
    this.paused = new boolean[nodes];
    this.restarted = new RestartedNodes(cluster, log, this::recordHealth);
    this.stalls = new MachineStalls(log);
    this.leaderSampler = new Thread(this::sampleLeaders, "qw-chaos-leader-sampler");
    this.leaderSampler.setDaemon(true);
  }

  /**
   * Starts the nodes, applies one target per simulated endpoint, and waits until all are UP.
   * The targets are watched first without a receiver, until every start-up incident has
   * closed: three cold nodes opening a connection per probe to one cold simulated server
   * (hundreds at once) see real timeouts for a second or two, which the simulation's own
   * record of who sees what cannot know. The run, and the checker's record, begin after.
   */
  public void start() throws IOException, InterruptedException {
    cluster.startAll();
    cluster.awaitLeader(60_000);
    StringBuilder yaml = new StringBuilder("targets:\n");
    for (int t = 0; t < targetCount; t++) {
      yaml.append("  - id: ").append(target(t)).append("\n    http: {url: \"").append(targets.url(t))
          .append("\"}\n    interval: ").append(INTERVAL_MS).append("ms\n    timeout: 800ms\n    failure_threshold: ")
          .append(THRESHOLD).append("\n    recovery_threshold: ").append(THRESHOLD).append('\n');
    }
    cluster.apply(yaml.toString());
    awaitAllTargetsUp(60_000);
    warmUpIncidents = awaitNoOpenIncident(60_000);
    yaml.append("receivers:\n  - id: sink\n    webhook: {url: \"").append(sink.url()).append("\"}\n");
    cluster.apply(yaml.toString());
    for (int t = 0; t < targetCount; t++) {
      log.targetSeenDown(target(t), Set.of(), now());
    }
    recordHealth();
    startTerm = Agreement.highestTerm(cluster);
    leaderSampler.start();
    stalls.start();
  }

  /** Waits until no incident is open; answers the ids of every incident so far. */
  private Set<String> awaitNoOpenIncident(long timeoutMs) throws InterruptedException {
    long deadline = now() + timeoutMs;
    while (true) {
      List<Incident> incidents = cluster.client(cluster.anyRunning())
          .listIncidents(ListIncidentsRequest.getDefaultInstance()).getIncidentsList();
      if (incidents.stream().noneMatch(Incident::getOpen)) {
        return incidents.stream().map(Incident::getId).collect(Collectors.toUnmodifiableSet());
      }
      if (now() > deadline) {
        throw new IllegalStateException("start-up incidents still open after " + timeoutMs + " ms; logs in "
            + cluster.dir());
      }
      Thread.sleep(200);
    }
  }

  /** Incidents opened while the targets were first probed, before the run began (none when the start was calm). */
  public int warmUpIncidents() {
    return warmUpIncidents.size();
  }

  public String target(int t) {
    return "chaos-" + t;
  }

  public LocalCluster cluster() {
    return cluster;
  }

  public WebhookSink sink() {
    return sink;
  }

  public ChaosLog log() {
    return log;
  }

  public int size() {
    return cluster.size();
  }

  public int quorum() {
    return cluster.size() / 2 + 1;
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  // ---- the world the nodes probe ----

  /** From now on, target {@code t} fails for exactly these nodes' probes (empty: up for all). */
  public void targetDownFor(int t, Set<Integer> nodes) {
    Set<String> ids = new TreeSet<>();
    nodes.forEach(i -> ids.add(cluster.id(i)));
    targets.setDownOnlyFor(t, ids);
    log.targetSeenDown(target(t), nodes, now());
    log.event(now(), target(t) + " down for " + (ids.isEmpty() ? "nobody" : ids));
  }

  public Set<Integer> allNodes() {
    Set<Integer> all = new HashSet<>();
    for (int i = 0; i < cluster.size(); i++) {
      all.add(i);
    }
    return all;
  }

  // ---- faults ----

  /** The leader a majority follows, waiting up to 30 s for one. */
  public int leader() throws InterruptedException {
    long deadline = now() + 30_000;
    while (now() < deadline) {
      int leader = Agreement.majorityLeader(cluster);
      if (leader >= 0) {
        return leader;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no leader followed by a majority within 30 s; logs in " + cluster.dir());
  }

  public void isolate(int node) {
    partition(node);
  }

  /** Both directions cut between the nodes in {@code side} and the rest. */
  public void partition(int... side) {
    links.isolate(side);
    String names = Arrays.stream(side).mapToObj(cluster::id).toList().toString();
    log.event(now(), names + " cut off from the other nodes");
    recordHealth();
  }

  public void cutOneWay(int from, int to) {
    links.cut(from, to);
    log.event(now(), "link " + cluster.id(from) + " -> " + cluster.id(to) + " cut");
    recordHealth();
  }

  public void latency(int from, int to, long ms) {
    links.setLatency(from, to, ms);
    log.event(now(), "link " + cluster.id(from) + " -> " + cluster.id(to) + " +" + ms + " ms");
  }

  public void healNetwork() {
    links.healAll();
    log.event(now(), "network healed");
    recordHealth();
  }

  public void kill(int node) throws InterruptedException {
    cluster.kill(node);
    log.event(now(), cluster.id(node) + " SIGKILLed");
    recordHealth();
  }

  public void restart(int node) throws IOException {
    restarted.start(node);
    log.event(now(), cluster.id(node) + " restarted");
    recordHealth();
  }

  public void pause(int node) throws IOException, InterruptedException {
    cluster.pause(node);
    paused[node] = true;
    log.event(now(), cluster.id(node) + " paused (SIGSTOP)");
    recordHealth();
  }

  public void resume(int node) throws IOException, InterruptedException {
    cluster.resume(node);
    paused[node] = false;
    log.event(now(), cluster.id(node) + " resumed (SIGCONT)");
    recordHealth();
  }

  /** Stops (SIGTERM) and restarts every node in turn, waiting for each to be fresh again. */
  public void rollingRestart() throws IOException, InterruptedException {
    for (int i = 0; i < cluster.size(); i++) {
      cluster.stop(i);
      log.event(now(), cluster.id(i) + " stopped (rolling restart)");
      recordHealth();
      restarted.start(i);
      log.event(now(), cluster.id(i) + " started (rolling restart)");
      recordHealth();
      awaitAllFresh(60_000);
    }
  }

  public void receiverFails(int status) {
    sink.failWith(status);
    log.event(now(), "receiver answers " + status);
  }

  public void receiverRecovers() {
    sink.succeed();
    log.event(now(), "receiver answers 200 again");
  }

  /** Records which nodes can take part, and which are cut off from a majority, given the faults now in force. */
  private synchronized void recordHealth() {
    NodeHealth health = NodeHealth.of(cluster.size(), quorum(), i -> cluster.isRunning(i) && !paused[i],
        restarted::isRejoining, links::isCut);
    log.health(health.unable(), health.cutOff(), now());
  }

  private void sampleLeaders() {
    while (sampling) {
      List<Optional<StatusResponse>> statuses = Agreement.statusesNow(cluster);
      int leader = Agreement.majorityLeader(cluster, statuses);
      if (leader >= 0) {
        log.leaderSample(now(), leader);
        statuses.get(leader).ifPresent(restarted::noteReports); // named by a majority, maybe too slow to answer itself
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  public void awaitAllFresh(long timeoutMs) throws InterruptedException {
    cluster.awaitAllFresh(timeoutMs);
  }

  public void awaitAllTargetsUp(long timeoutMs) throws InterruptedException {
    if (!cluster.awaitAllTargets(Verdict.VERDICT_UP, timeoutMs)) {
      throw new IllegalStateException("targets not all UP within " + timeoutMs + " ms; logs in " + cluster.dir());
    }
  }

  /**
   * Ends the run: heals every fault, brings every target back, waits until everything is
   * delivered and every replica holds the same state, then judges the run.
   */
  public Judgement healDrainAndCheck(long drainTimeoutMs) throws IOException, InterruptedException {
    List<String> violations = new ArrayList<>();
    healNetwork();
    for (int i = 0; i < cluster.size(); i++) {
      if (paused[i]) {
        resume(i);
      }
      if (!cluster.isRunning(i)) {
        restart(i);
      }
    }
    receiverRecovers();
    for (int t = 0; t < targetCount; t++) {
      targetDownFor(t, Set.of());
    }
    long deadline = now() + drainTimeoutMs;
    awaitAllFresh(drainTimeoutMs);
    awaitAllTargetsUp(Math.max(1, deadline - now()));
    List<Incident> incidents = List.of();
    while (now() < deadline) {
      incidents = cluster.client(cluster.anyRunning()).listIncidents(ListIncidentsRequest.getDefaultInstance()).getIncidentsList();
      if (incidents.stream().noneMatch(Incident::getOpen) && pendingNotifications() == 0) {
        break;
      }
      Thread.sleep(200);
    }
    if (!Agreement.awaitConverged(cluster, Math.max(1, deadline - now()))) {
      violations.add("replicas did not converge to one state (applied index and digest) after every fault healed: "
          + Agreement.states(cluster));
    }
    if (!leaderSampler.isAlive()) {
      violations.add("harness: the leader sampler died, so leader samples and restarted nodes' reports stopped");
    }
    sampling = false;
    leaderSampler.interrupt();
    cluster.status(cluster.anyRunning()).map(restarted::stillRejoining).filter(ids -> !ids.isEmpty()).ifPresent(ids ->
        violations.add("harness: " + ids + " still counted as restarting, though every node reported (all fresh)"));
    int leaderChanges = (int) (Agreement.highestTerm(cluster) - startTerm);
    ChaosChecker.Timing timing = new ChaosChecker.Timing(quorum(), INTERVAL_MS, THRESHOLD, THRESHOLD, 3 * INTERVAL_MS);
    List<Incident> judged = incidents.stream()
        .filter(i -> i.getAlertname().equals("TargetDown") && !warmUpIncidents.contains(i.getId())).toList();
    long endMs = now();
    if (!deleteOnClose) { // kept with the logs, to be judged again by `bench chaos --judge`
      ChaosRecord.of(timing, log, endMs, leaderChanges, sink.pages(), judged).write(cluster.dir().resolve(ChaosRecord.FILE));
    }
    ChaosChecker checker = new ChaosChecker(log, timing, sink.pages(), judged, endMs);
    violations.addAll(checker.check(leaderChanges));
    return new Judgement(violations, leaderChanges, checker.pageDelaysMs(), checker.besideStalls());
  }

  private long pendingNotifications() {
    return cluster.status(cluster.anyRunning()).map(StatusResponse::getPendingNotifications).orElse(Long.MAX_VALUE);
  }

  @Override
  public void close() throws InterruptedException {
    sampling = false;
    leaderSampler.interrupt();
    stalls.close();
    for (int i = 0; i < cluster.size(); i++) {
      if (paused[i] && cluster.isRunning(i)) {
        try {
          cluster.resume(i); // a stopped process cannot be killed cleanly everywhere
        } catch (IOException ignored) {
          // killing it next anyway
        }
      }
    }
    try {
      cluster.close();
    } finally {
      links.close();
      targets.close();
      sink.close();
    }
  }
}
