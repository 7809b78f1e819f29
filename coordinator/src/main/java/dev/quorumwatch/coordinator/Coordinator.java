package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.AlertGroups;
import dev.quorumwatch.coordinator.alert.AlertLabels;
import dev.quorumwatch.coordinator.alert.DailyDigests;
import dev.quorumwatch.coordinator.alert.Inhibitions;
import dev.quorumwatch.coordinator.alert.Silences;
import dev.quorumwatch.coordinator.dependency.Dependencies;
import dev.quorumwatch.coordinator.failover.Failover;
import dev.quorumwatch.coordinator.heartbeat.HeartbeatChecks;
import dev.quorumwatch.coordinator.incident.IncidentLog;
import dev.quorumwatch.coordinator.incident.Severity;
import dev.quorumwatch.coordinator.incident.TargetAlerts;
import dev.quorumwatch.coordinator.membership.Membership;
import dev.quorumwatch.coordinator.membership.MonitorHealth;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.coordinator.notify.FailedNotifications;
import dev.quorumwatch.coordinator.notify.HandOvers;
import dev.quorumwatch.coordinator.notify.Outbox;
import dev.quorumwatch.coordinator.repair.RepairLadders;
import dev.quorumwatch.coordinator.time.ReplicatedZones;
import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.coordinator.verdict.VerdictRule;
import dev.quorumwatch.coordinator.verdict.VoteCount;
import dev.quorumwatch.coordinator.verdict.VoteRecorder;
import dev.quorumwatch.proto.AddSilence;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.AlertGroup;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.DeliveryFailed;
import dev.quorumwatch.proto.FailedNotification;
import dev.quorumwatch.proto.HeartbeatRecord;
import dev.quorumwatch.proto.HistoryEntry;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.IncidentUpdate;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.Ping;
import dev.quorumwatch.proto.PostIncidentUpdate;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.RepairAttemptFinished;
import dev.quorumwatch.proto.RepairAttemptStarted;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.SetCluster;
import dev.quorumwatch.proto.Silence;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The replicated brain: {@code apply(index, command)} turns votes into verdicts, verdicts
 * into incidents, incidents into grouped notifications. Pure and deterministic: no clock,
 * threads, I/O or randomness; time arrives inside commands. Not thread-safe: its owner
 * serializes access.
 */
public final class Coordinator {
  public static final String ALERT_TARGET_DOWN = TargetAlerts.TARGET_DOWN;
  public static final String ALERT_TARGET_REGIONAL = TargetAlerts.TARGET_REGIONAL;
  public static final String ALERT_TARGET_DEGRADED = TargetAlerts.TARGET_DEGRADED;
  public static final String ALERT_TARGET_CERT_EXPIRING = TargetAlerts.TARGET_CERT_EXPIRING;
  public static final String ALERT_TARGET_RATE_LIMITED = TargetAlerts.TARGET_RATE_LIMITED;
  static final long CERT_SWEEP_MS = 60_000;
  public static final String ALERT_NODE_DOWN = MonitorHealth.ALERT_NODE_DOWN;
  public static final String ALERT_QUORUM_AT_RISK = MonitorHealth.ALERT_QUORUM_AT_RISK;
  public static final String ALERT_SERVICE_FAILOVER = Failover.ALERT_FAILOVER;
  public static final String ALERT_SERVICE_FAILBACK = Failover.ALERT_FAILBACK;
  public static final String ALERT_REPAIR_STARTED = RepairLadders.ALERT_STARTED;
  public static final String ALERT_REPAIR_SUCCEEDED = RepairLadders.ALERT_SUCCEEDED;
  public static final String ALERT_REPAIR_EXHAUSTED = RepairLadders.ALERT_EXHAUSTED;
  static final String SEVERITY_CRITICAL = Severity.CRITICAL;
  static final String SEVERITY_WARNING = Severity.WARNING;
  static final int HISTORY_KEPT = 20;
  /** Ten years: enough for any silence, and far from overflowing the state clock when added to it. */
  static final long SILENCE_MAX_MS = 3650L * 86_400_000;
  long clockMs;
  MonitorsSpec monitors = MonitorsSpec.getDefaultInstance();
  /** Derived from {@link #monitors}: the time zones its windows and digests are in. */
  private ReplicatedZones zones = ReplicatedZones.NONE;
  long monitorsIndex;
  String restoredBackupId = "";
  final Map<String, TargetSpec> targetSpecs = new LinkedHashMap<>();
  final Map<String, ReceiverSpec> receivers = new LinkedHashMap<>();
  final TreeMap<String, TargetTrack> tracks = new TreeMap<>();
  final Membership membership = new Membership();
  final IncidentLog incidents = new IncidentLog();
  final Outbox outbox = new Outbox();
  final AlertGroups groups = new AlertGroups();
  final DailyDigests digests = new DailyDigests();
  final Failover failover = new Failover();
  final RepairLadders repairs = new RepairLadders();
  final Map<String, ServiceSpec> serviceSpecs = new LinkedHashMap<>();
  final Silences silences = new Silences();
  final FailedNotifications failed = new FailedNotifications();
  final MonitorHealth monitorHealth = new MonitorHealth();
  final HeartbeatChecks heartbeats = new HeartbeatChecks();
  /** Derived: no heartbeat verdict changes by time alone before this. */
  private long nextHeartbeatDeadlineMs;
  private SortedSet<String> freshAtLastEvaluation = new TreeSet<>();
  private final TargetWarnings warnings = new TargetWarnings();
  Dependencies dependencies = Dependencies.NONE;
  Inhibitions inhibitions = Inhibitions.NONE;
  final Silencing silencing = new Silencing(this);
  private final Retention retention = new Retention(this);
  private final CommandChecks checks = new CommandChecks(this);
  final Failover.Verdicts verdicts = new Failover.Verdicts() {
    @Override
    public Verdict verdict(String targetId) {
      return verdictOf(targetId);
    }

    @Override
    public long sinceMs(String targetId) {
      TargetTrack track = tracks.get(targetId);
      return track == null ? clockMs : track.verdictSinceMs;
    }
  };
  private final AlertGroups.View groupView = new AlertGroups.View() {
    @Override
    public Optional<Incident> incident(String id) {
      return incidents.get(id);
    }

    @Override
    public String clusterId() {
      return membership.clusterId();
    }

    @Override
    public int quorum() {
      return membership.quorum();
    }

    @Override
    public boolean keepsToldWhileSilenced() {
      return membership.membersBelow(Protocol.HEARTBEATS).isEmpty(); // introduced with protocol 4
    }
  };

  public ApplyOutcome apply(long index, Command command) {
    String problem = checks.problem(command);
    if (problem != null) {
      return ApplyOutcome.rejected(problem); // a rejected command changes nothing, not even the clock
    }
    long previousClockMs = clockMs;
    try {
      return applyValid(index, command, previousClockMs);
    } catch (RuntimeException bug) {
      // Every replica runs the same code on the same entry, so every replica fails here alike:
      // rejecting the entry keeps them equal and applying. What the entry changed before the
      // failure stays (the same everywhere); the clock goes back, so a wildly wrong time can't
      // make every later entry fail too.
      clockMs = previousClockMs;
      return ApplyOutcome.failedInternally("internal error applying " + command.getKindCase() + " at index " + index
          + ": " + bug);
    }
  }

  private ApplyOutcome applyValid(long index, Command command, long previousClockMs) {
    clockMs = Math.max(clockMs, command.getAtMs());
    retention.clockMoved(previousClockMs, clockMs);
    groups.beginEntry();
    Entry entry = new Entry(this, index);
    Set<String> touched = new HashSet<>();
    boolean evaluateAll = false;
    boolean silencesChanged = false;
    String created = "";
    switch (command.getKindCase()) {
      case REPORT_VIEW -> recordReport(command.getReportView(), touched);
      case TICK -> { }
      case PINGS -> {
        for (Ping ping : command.getPings().getPingsList()) {
          if (heartbeats.record(ping, clockMs)) {
            touched.add(ping.getTargetId());
          }
        }
      }
      case DELIVERED -> {
        for (String id : command.getDelivered().getNotificationIdsList()) {
          if (outbox.markDelivered(id)) {
            entry.add(entry.event(EventKind.EVENT_KIND_DELIVERED).setMessage(id).build());
          }
        }
      }
      case DELIVERY_FAILED -> {
        DeliveryFailed failure = command.getDeliveryFailed();
        for (String id : failed.giveUp(failure, outbox, clockMs)) {
          entry.add(entry.event(EventKind.EVENT_KIND_DELIVERY_FAILED).setMessage(id + ": " + failure.getLastError()).build());
        }
      }
      case HAND_OVER -> {
        for (FailedNotification handed : HandOvers.apply(command.getHandOver(), outbox, receivers, clockMs)) {
          failed.keep(handed);
          entry.add(entry.event(EventKind.EVENT_KIND_NOTIFICATION_QUEUED).setMessage(handed.getNotification().getId() + " handed over to "
              + handed.getHandedOverTo() + ": " + handed.getLastError()).build());
        }
      }
      case APPLY_MONITORS -> {
        replaceMonitors(entry, command.getApplyMonitors().getSpec());
        evaluateAll = true;
        silencesChanged = true;
      }
      case SET_CLUSTER -> {
        membership.configure(command.getSetCluster());
        evaluateAll = true;
      }
      case ADD_SILENCE -> {
        created = addSilence(entry, command.getAddSilence());
        silencesChanged = true;
      }
      case EXPIRE_SILENCE -> {
        silences.expire(command.getExpireSilence().getSilenceId(), clockMs);
        entry.add(entry.event(EventKind.EVENT_KIND_SILENCE_EXPIRED).setMessage(command.getExpireSilence().getSilenceId()).build());
        silencesChanged = true;
      }
      case ACKNOWLEDGE -> {
        var ack = command.getAcknowledge();
        incidents.acknowledge(ack.getIncidentId(), ack.getBy(), ack.getComment(), clockMs);
        groups.touch(ack.getIncidentId());
        entry.add(entry.event(EventKind.EVENT_KIND_INCIDENT_ACKNOWLEDGED).setIncidentId(ack.getIncidentId())
            .setMessage("by " + ack.getBy()).build());
      }
      case POST_INCIDENT_UPDATE -> {
        PostIncidentUpdate update = command.getPostIncidentUpdate();
        incidents.addUpdate(update.getIncidentId(), IncidentUpdate.newBuilder().setAtMs(clockMs)
            .setStatusValue(update.getStatus()).setMessage(update.getMessage()).setBy(update.getBy()).build());
        entry.add(entry.event(EventKind.EVENT_KIND_INCIDENT_UPDATED).setIncidentId(update.getIncidentId())
            .setMessage(IncidentUpdate.Status.forNumber(update.getStatus()) + " by " + update.getBy()).build());
      }
      case SET_ACTIVE_ENDPOINT -> failover.set(index, clockMs, command.getSetActiveEndpoint())
          .ifPresent(change -> announce(entry, change));
      case REPAIR_STARTED -> {
        RepairAttemptStarted started = command.getRepairStarted();
        repairs.started(started, targetSpecs.get(started.getTargetId()).getRepair(), clockMs);
        entry.add(entry.event(EventKind.EVENT_KIND_REPAIR_ATTEMPT_STARTED).setTargetId(started.getTargetId()).setMessage(
            started.getLadderId() + " step " + started.getStep() + " attempt " + started.getAttempt()).build());
      }
      case REPAIR_FINISHED -> {
        RepairAttemptFinished finished = command.getRepairFinished();
        repairs.finished(finished, targetSpecs.get(finished.getTargetId()).getRepair(), clockMs);
        entry.add(entry.event(EventKind.EVENT_KIND_REPAIR_ATTEMPT_FINISHED).setTargetId(finished.getTargetId()).setMessage(
            finished.getLadderId() + " step " + finished.getStep() + " attempt " + finished.getAttempt() + ": "
                + (finished.getUnknown() ? "unknown" : finished.getOk() ? "ok" : "failed") + " "
                + finished.getDetail()).build());
      }
      default -> throw new IllegalStateException("checked by problem(): " + command.getKindCase());
    }
    boolean heartbeatDeadlinePassed = clockMs >= nextHeartbeatDeadlineMs;
    if (heartbeatDeadlinePassed) {
      touched.addAll(heartbeats.targetIds());
    }
    SortedSet<String> fresh = membership.freshNodes(clockMs);
    boolean freshChanged = !fresh.equals(freshAtLastEvaluation);
    if (evaluateAll || freshChanged) {
      for (TargetTrack track : tracks.values()) {
        evaluate(entry, track);
      }
    } else {
      for (String id : new TreeSet<>(touched)) {
        evaluate(entry, tracks.get(id));
      }
    }
    freshAtLastEvaluation = fresh;
    // Only pings, new monitors and time move a heartbeat deadline: not every report needs the scan.
    if (heartbeatDeadlinePassed || command.hasPings() || command.hasApplyMonitors()) {
      nextHeartbeatDeadlineMs = heartbeats.nextDeadlineMs(targetSpecs, clockMs);
    }
    // Certificates near expiry: whenever votes change, and once per minute of state time.
    boolean certSweep = evaluateAll || freshChanged || previousClockMs / CERT_SWEEP_MS != clockMs / CERT_SWEEP_MS;
    for (TargetTrack track : certSweep ? tracks.values() : touchedTracks(touched)) {
      checkCertificate(entry, track);
    }
    for (RepairLadders.Change change : repairs.exhaustDue(clockMs, id -> targetSpecs.containsKey(id)
        ? targetSpecs.get(id).getRepair() : null)) {
      announceRepair(entry, change);
    }
    // In the same entry as the verdicts: traffic leaves a DOWN endpoint in the commit that calls it DOWN.
    for (Failover.Change change : failover.evaluate(index, clockMs, serviceSpecs.values(), verdicts)) {
      announce(entry, change);
    }
    warnings.openDue(tracks, targetSpecs, membership, clockMs, entry);
    monitorHealth.watch(membership, fresh, clockMs, entry);
    if (silencing.due(silencesChanged, entry.events())) {
      silencing.refresh();
    }
    long queuedFrom = outbox.nextSeq();
    groups.flush(clockMs, receivers, groupView, outbox);
    digests.flush(clockMs, receivers.values(), zones, untilMs -> TargetViews.days(this, untilMs), membership.clusterId(), outbox);
    for (Notification n : outbox.since(queuedFrom)) {
      entry.add(entry.event(EventKind.EVENT_KIND_NOTIFICATION_QUEUED).setMessage(n.getId() + " " + n.getStatus() + " "
          + n.getAlertsCount() + " alerts" + (n.getReminder() ? " (reminder)" : "")).build());
    }
    return ApplyOutcome.accepted(entry.events(), created);
  }

  /**
   * Why an operator's command (apply, silences, acknowledgements, failover) would be rejected
   * if it were applied now, or null. The leader asks before the command enters the log, so a
   * command that fails validation is never committed; apply checks again, deterministically,
   * since the state may change in between. The node's own commands (reports, ticks,
   * deliveries, repairs, settings) are not pre-checked: they may depend on entries still in
   * flight.
   */
  public String operatorCommandProblem(Command command) {
    return switch (command.getKindCase()) {
      case APPLY_MONITORS, ADD_SILENCE, EXPIRE_SILENCE, ACKNOWLEDGE, SET_ACTIVE_ENDPOINT, POST_INCIDENT_UPDATE ->
          checks.problem(command);
      default -> null;
    };
  }

  private String addSilence(Entry entry, AddSilence add) {
    silences.forgetExpired(clockMs);
    Silence silence = silences.add(Silence.newBuilder()
        .setId("sil-" + entry.index())
        .addAllMatchers(add.getMatchersList())
        .setStartsMs(clockMs)
        .setEndsMs(clockMs + add.getDurationMs())
        .setComment(add.getComment())
        .setCreatedBy(add.getCreatedBy())
        .build());
    entry.add(entry.event(EventKind.EVENT_KIND_SILENCE_ADDED).setMessage(silence.getId()).build());
    return silence.getId();
  }

  private void recordReport(ReportView report, Set<String> touched) {
    String nodeId = report.getNodeId();
    if (membership.isStaleReport(nodeId, report.getIncarnation(), report.getSeq())) {
      return; // overtaken by a newer report of the same node: its votes are older than those applied
    }
    membership.heartbeat(nodeId, report.getRegion(), clockMs, report.getIncarnation(), report.getSeq(),
        report.getProtocol());
    // Older replicas count a rate-limited vote as current: until every member understands
    // the flag, it is dropped here so that all replicas decide alike.
    boolean rateLimitsUnderstood = membership.membersBelow(Protocol.RATE_LIMITS).isEmpty();
    // Targets an incremental report does not mention keep this node's last vote. A node
    // withdraws a vote explicitly (an unspecified observation) when it has no current opinion;
    // a full report withdraws every vote it does not mention (a node restarting with its
    // replica not yet caught up reports an empty full view: its old votes must not return).
    List<Observation> observations = new ArrayList<>(report.getObservationsList());
    if (report.getFull()) {
      Set<String> mentioned = new HashSet<>();
      observations.forEach(o -> mentioned.add(o.getTargetId()));
      for (TargetTrack track : tracks.values()) {
        if (!mentioned.contains(track.targetId) && track.votesByNode.containsKey(nodeId)) {
          observations.add(Observation.newBuilder().setTargetId(track.targetId).build());
        }
      }
    }
    for (Observation o : observations) {
      TargetTrack track = tracks.get(o.getTargetId());
      if (track == null) {
        continue; // a target removed since the node looked
      }
      VoteRecorder.Recorded recorded = VoteRecorder.record(track.votesByNode, nodeId, o,
          o.getRateLimited() && rateLimitsUnderstood, clockMs);
      if (recorded.history() != null) {
        track.remember(recorded.history(), HISTORY_KEPT);
      }
      if (recorded.changed()) {
        touched.add(track.targetId);
      }
    }
  }

  private void replaceMonitors(Entry entry, MonitorsSpec spec) {
    Set<String> kept = new HashSet<>();
    for (TargetSpec t : spec.getTargetsList()) {
      kept.add(t.getId());
    }
    // Receivers first: a removed target's open incident resolves to the new receivers.
    monitors = spec;
    monitorsIndex = entry.index();
    receivers.clear();
    spec.getReceiversList().forEach(r -> receivers.put(r.getId(), r));
    groups.keepReceivers(receivers.keySet());
    groups.touchAll(); // routes may have new timings
    digests.keepReceivers(receivers.values());
    serviceSpecs.clear();
    spec.getServicesList().forEach(svc -> serviceSpecs.put(svc.getId(), svc));
    failover.keepServices(serviceSpecs.keySet());
    zones = ReplicatedZones.of(spec);
    silences.setWindows(spec.getMaintenanceList(), zones);
    dependencies = Dependencies.of(spec);
    inhibitions = Inhibitions.of(spec);
    for (TargetTrack track : new ArrayList<>(tracks.values())) {
      if (!kept.contains(track.targetId)) {
        if (!track.openIncidentId.isEmpty()) {
          entry.resolve(track.openIncidentId);
          track.openIncidentId = "";
        }
        if (!track.warningIncidentId.isEmpty()) {
          entry.resolve(track.warningIncidentId);
          track.warningIncidentId = "";
        }
        if (!track.certIncidentId.isEmpty()) {
          entry.resolve(track.certIncidentId);
          track.certIncidentId = "";
        }
        if (!track.rateLimitIncidentId.isEmpty()) {
          entry.resolve(track.rateLimitIncidentId);
          track.rateLimitIncidentId = "";
        }
        tracks.remove(track.targetId);
        warnings.forget(track.targetId);
      }
    }
    for (TargetSpec t : spec.getTargetsList()) {
      TargetSpec before = targetSpecs.get(t.getId());
      if (before != null && !before.getRepair().equals(t.getRepair())) {
        repairs.stop(t.getId(), clockMs); // its steps changed: the old ladder's positions mean nothing now
      }
    }
    repairs.keepTargets(kept);
    targetSpecs.clear();
    for (TargetSpec t : spec.getTargetsList()) {
      targetSpecs.put(t.getId(), t);
      tracks.computeIfAbsent(t.getId(), TargetTrack::new);
    }
    heartbeats.keepTargets(targetSpecs, clockMs);
    entry.add(entry.event(EventKind.EVENT_KIND_MONITORS_APPLIED)
        .setMessage(spec.getTargetsCount() + " targets, " + spec.getReceiversCount() + " receivers")
        .build());
  }

  private void evaluate(Entry entry, TargetTrack track) {
    TargetSpec spec = targetSpecs.get(track.targetId);
    if (spec != null && spec.hasHeartbeat()) {
      HeartbeatChecks.Judgement j = HeartbeatChecks.judge(heartbeats.recordOf(track.targetId), spec.getHeartbeat(),
          clockMs);
      changeVerdict(entry, track, j.verdict(), j.note(),
          () -> HeartbeatChecks.draftDown(ALERT_TARGET_DOWN, SEVERITY_CRITICAL, track.targetId, spec, j.note()));
      return;
    }
    VoteCount votes = VoteCount.of(track.votesByNode.values(), node -> membership.isFresh(node, clockMs));
    int quorum = membership.quorum();
    Verdict next = VerdictRule.decide(votes, quorum, track.verdict);
    if (!track.openIncidentId.isEmpty()) {
      incidents.addRegions(track.openIncidentId, TargetAlerts.downRegions(track.votesByNode.values(), membership,
          clockMs));
    }
    warnings.rateLimits(track, votes.noVerdictPossible(quorum), clockMs, entry);
    changeVerdict(entry, track, next, votes.describe(quorum), () -> TargetAlerts.draft(ALERT_TARGET_DOWN,
        SEVERITY_CRITICAL, track.targetId, spec, track.votesByNode.values(), next, membership, clockMs));
  }

  /** A target's verdict becomes {@code next} (if it is not already): history, uptime, incident, repairs, event. */
  private void changeVerdict(Entry entry, TargetTrack track, Verdict next, String note,
      Supplier<Incident.Builder> downAlert) {
    Verdict previous = track.verdict;
    if (next == previous) {
      return;
    }
    track.verdict = next;
    track.verdictSinceMs = clockMs;
    track.uptime.onVerdictKnown(clockMs);
    track.remember(HistoryEntry.newBuilder().setAtMs(clockMs).setVerdict(next).setNote(note).build(),
        HISTORY_KEPT);
    warnings.verdictChanged(track, entry);
    if (previous == Verdict.VERDICT_DOWN) {
      track.uptime.downEnded(clockMs);
      entry.resolve(track.openIncidentId);
      track.openIncidentId = "";
    }
    if (next == Verdict.VERDICT_DOWN) {
      track.uptime.downStarted(clockMs);
      track.openIncidentId = entry.open(downAlert.get()).getId();
      repairs.onDown(entry.index(), clockMs, track.targetId, targetSpecs.get(track.targetId).getRepair())
          .ifPresent(change -> announceRepair(entry, change));
    }
    if (next == Verdict.VERDICT_UP) {
      repairs.onUp(clockMs, track.targetId).ifPresent(change -> announceRepair(entry, change));
    }
    entry.add(entry.event(EventKind.EVENT_KIND_VERDICT)
        .setTargetId(track.targetId)
        .setVerdict(next)
        .setPreviousVerdict(previous)
        .setIncidentId(track.openIncidentId)
        .setMessage(note)
        .build());
  }

  private List<TargetTrack> touchedTracks(Set<String> touched) {
    List<TargetTrack> out = new ArrayList<>();
    for (String id : new TreeSet<>(touched)) {
      TargetTrack track = tracks.get(id);
      if (track != null) {
        out.add(track);
      }
    }
    return out;
  }

  private void checkCertificate(Entry entry, TargetTrack track) {
    track.certIncidentId = TargetAlerts.checkCertificate(track.targetId, targetSpecs.get(track.targetId),
        track.votesByNode.values(), track.certIncidentId, membership, clockMs, entry);
  }


  /**
   * Records a service's move: an event for watchers, and (unless it is the first choice) a
   * one-shot ServiceFailover or ServiceFailback alert.
   */
  private void announce(Entry entry, Failover.Change change) {
    ServiceRecord r = change.record();
    entry.add(entry.event(EventKind.EVENT_KIND_SERVICE_CHANGED).setService(r).setMessage(r.getServiceId() + " " + (change.from().isEmpty()
        ? "-" : change.from()) + " -> " + r.getActiveEndpoint() + ": " + r.getReason()).build());
    if (change.kind() != Failover.Kind.INITIAL) {
      entry.openOneShot(Failover.alertFor(change, serviceSpecs.get(r.getServiceId())));
    }
  }

  /** A ladder began or ended: an event, and a one-shot Repair* alert (not for a spent budget). */
  private void announceRepair(Entry entry, RepairLadders.Change change) {
    RepairRecord r = change.record();
    String what = switch (change.outcome()) {
      case STARTED -> "repair ladder " + r.getLadderId() + " started";
      case SUCCEEDED -> "repair ladder " + r.getLadderId() + " succeeded after " + r.getAttemptsCount() + " attempts";
      case EXHAUSTED -> "repair ladder " + r.getLadderId() + " exhausted after " + r.getAttemptsCount()
          + " attempts; the target is still DOWN";
      case BUDGET_SPENT -> "no repair ladder: " + r.getLadderStartsMsCount() + " started within the last hour";
    };
    entry.add(entry.event(EventKind.EVENT_KIND_REPAIR_LADDER).setTargetId(r.getTargetId()).setMessage(what).build());
    if (change.outcome() != RepairLadders.Outcome.BUDGET_SPENT) {
      entry.openOneShot(RepairLadders.alertFor(change, what, targetSpecs.get(r.getTargetId())));
    }
  }

  // ---- read side: used by the node's API, dispatcher and probes, from its own replica ----

  public long clockMs() {
    return clockMs;
  }

  public MonitorsSpec monitors() {
    return monitors;
  }

  /** The backup this state was seeded from; empty if none. */
  public String restoredBackupId() {
    return restoredBackupId;
  }

  /** Log index of the monitors file in force; 0 when none was ever applied. */
  public long monitorsIndex() {
    return monitorsIndex;
  }

  public Membership membership() {
    return membership;
  }

  public Collection<Incident> incidents() {
    return incidents.all();
  }

  public Optional<Incident> incident(String id) {
    return incidents.get(id);
  }

  public Collection<Notification> pendingNotifications() {
    return outbox.pending();
  }

  public Collection<FailedNotification> failedNotifications() {
    return failed.all();
  }

  public Collection<Silence> silences() {
    return silences.all();
  }

  public Collection<AlertGroup> alertGroups() {
    return groups.all();
  }

  /** Maintenance windows matching these labels, in force now or starting within {@code horizonMs}. */
  public List<Silences.Occurrence> maintenance(Map<String, String> labels, long horizonMs) {
    return silences.occurrences(labels, clockMs, horizonMs);
  }

  /** Names the silence or maintenance window covering these labels now, or null. */
  public String silencedBy(Map<String, String> labels) {
    return silences.silencedBy(labels, clockMs);
  }

  public boolean isPending(String notificationId) {
    return outbox.isPending(notificationId);
  }

  /**
   * A heartbeat target's pings as committed, with why it is DOWN now (judged on read, not
   * stored); the default instance for any other target.
   */
  public HeartbeatRecord heartbeatOf(String targetId) {
    HeartbeatRecord r = heartbeats.recordOf(targetId);
    TargetSpec spec = targetSpecs.get(targetId);
    if (spec == null || !spec.hasHeartbeat()) {
      return r;
    }
    HeartbeatChecks.Judgement j = HeartbeatChecks.judge(r, spec.getHeartbeat(), clockMs);
    return j.verdict() == Verdict.VERDICT_DOWN ? r.toBuilder().setDownReason(j.note()).build() : r;
  }

  /** A target's uptime for each of the last {@code count} UTC days, today last; empty for an unknown target. */
  public List<UptimeLedger.Day> dailyUptime(String targetId, int count) {
    TargetTrack track = tracks.get(targetId);
    return track == null ? List.of() : List.of(track.uptime.days(clockMs, count));
  }

  public Verdict verdictOf(String targetId) {
    TargetTrack track = tracks.get(targetId);
    return track == null ? Verdict.VERDICT_UNKNOWN : track.verdict;
  }

  /** One row per configured target, in the order of the monitors file. */
  public List<TargetRow> targetRows() {
    return TargetViews.rows(this);
  }

  /** Starts the derived bookkeeping after a restore, exactly as it stood when saved. */
  void afterRestore() {
    freshAtLastEvaluation = membership.freshNodes(clockMs);
    receivers.clear();
    monitors.getReceiversList().forEach(r -> receivers.put(r.getId(), r));
    serviceSpecs.clear();
    monitors.getServicesList().forEach(svc -> serviceSpecs.put(svc.getId(), svc));
    zones = ReplicatedZones.of(monitors);
    silences.setWindows(monitors.getMaintenanceList(), zones);
    dependencies = Dependencies.of(monitors);
    inhibitions = Inhibitions.of(monitors);
    silencing.restored();
    groups.restoreKeepsTold(groupView.keepsToldWhileSilenced());
    nextHeartbeatDeadlineMs = heartbeats.nextDeadlineMs(targetSpecs, clockMs);
    warnings.restore(tracks.values());
  }

  public Collection<RepairRecord> repairs() {
    return repairs.all();
  }

  public Optional<RepairRecord> repair(String targetId) {
    return repairs.get(targetId);
  }

  public Optional<TargetSpec> targetSpec(String targetId) {
    return Optional.ofNullable(targetSpecs.get(targetId));
  }

  public Collection<ServiceRecord> services() {
    return failover.all();
  }

  public Optional<ServiceRecord> service(String serviceId) {
    return failover.get(serviceId);
  }

  public SetCluster clusterSettings() {
    return membership.settings();
  }
}
