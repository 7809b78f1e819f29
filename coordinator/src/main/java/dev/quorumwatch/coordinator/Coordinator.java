package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.AlertGroups;
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
import dev.quorumwatch.coordinator.notify.Outbox;
import dev.quorumwatch.coordinator.repair.RepairLadders;
import dev.quorumwatch.coordinator.time.ReplicatedZones;
import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.AlertGroup;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.FailedNotification;
import dev.quorumwatch.proto.HeartbeatRecord;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Ping;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.SetCluster;
import dev.quorumwatch.proto.Silence;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
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

/**
 * The replicated brain: {@code apply(index, command)} turns votes into verdicts, verdicts
 * into incidents, incidents into grouped notifications. Pure and deterministic: no clock,
 * threads, I/O or randomness; time arrives inside commands. Not thread-safe: its owner
 * serializes access.
 */
public final class Coordinator {
  public static final String ALERT_TARGET_DOWN = TargetAlerts.TARGET_DOWN;
  public static final String ALERT_TARGET_RATE_LIMITED = TargetAlerts.TARGET_RATE_LIMITED;
  static final long CERT_SWEEP_MS = 60_000;
  public static final String ALERT_NODE_DOWN = MonitorHealth.ALERT_NODE_DOWN;
  public static final String ALERT_QUORUM_AT_RISK = MonitorHealth.ALERT_QUORUM_AT_RISK;
  static final String SEVERITY_CRITICAL = Severity.CRITICAL;
  static final String SEVERITY_WARNING = Severity.WARNING;
  static final int HISTORY_KEPT = 20;
  /** Ten years: enough for any silence, and far from overflowing the state clock when added to it. */
  static final long SILENCE_MAX_MS = 3650L * 86_400_000;
  long clockMs;
  MonitorsSpec monitors = MonitorsSpec.getDefaultInstance();
  /** Derived from {@link #monitors}: the time zones its windows and digests are in. */
  ReplicatedZones zones = ReplicatedZones.NONE;
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
  final TargetWarnings warnings = new TargetWarnings();
  Dependencies dependencies = Dependencies.NONE;
  Inhibitions inhibitions = Inhibitions.NONE;
  final Silencing silencing = new Silencing(this);
  private final Retention retention = new Retention(this);
  private final CommandChecks checks = new CommandChecks(this);
  private final TargetVerdicts targetVerdicts = new TargetVerdicts(this);
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
      case REPORT_VIEW -> ReportRecorder.record(this, command.getReportView(), touched);
      case TICK -> { }
      case PINGS -> {
        for (Ping ping : command.getPings().getPingsList()) {
          if (heartbeats.record(ping, clockMs)) {
            touched.add(ping.getTargetId());
          }
        }
      }
      case DELIVERED -> Bookkeeping.delivered(this, entry, command.getDelivered());
      case DELIVERY_FAILED -> Bookkeeping.deliveryFailed(this, entry, command.getDeliveryFailed());
      case HAND_OVER -> Bookkeeping.handOver(this, entry, command.getHandOver());
      case APPLY_MONITORS -> {
        MonitorsChange.apply(this, entry, command.getApplyMonitors().getSpec());
        evaluateAll = true;
        silencesChanged = true;
      }
      case SET_CLUSTER -> {
        membership.configure(command.getSetCluster());
        evaluateAll = true;
      }
      case ADD_SILENCE -> {
        created = Bookkeeping.addSilence(this, entry, command.getAddSilence());
        silencesChanged = true;
      }
      case EXPIRE_SILENCE -> {
        Bookkeeping.expireSilence(this, entry, command.getExpireSilence());
        silencesChanged = true;
      }
      case ACKNOWLEDGE -> Bookkeeping.acknowledge(this, entry, command.getAcknowledge());
      case POST_INCIDENT_UPDATE -> Bookkeeping.incidentUpdate(this, entry, command.getPostIncidentUpdate());
      case SET_ACTIVE_ENDPOINT -> failover.set(index, clockMs, command.getSetActiveEndpoint())
          .ifPresent(change -> Announcements.serviceMoved(entry, change, serviceSpecs.get(change.record().getServiceId())));
      case REPAIR_STARTED -> Bookkeeping.repairStarted(this, entry, command.getRepairStarted());
      case REPAIR_FINISHED -> Bookkeeping.repairFinished(this, entry, command.getRepairFinished());
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
        targetVerdicts.evaluate(entry, track);
      }
    } else {
      for (String id : new TreeSet<>(touched)) {
        targetVerdicts.evaluate(entry, tracks.get(id));
      }
    }
    freshAtLastEvaluation = fresh;
    // Only pings, new monitors and time move a heartbeat deadline: not every report needs the scan.
    if (heartbeatDeadlinePassed || command.hasPings() || command.hasApplyMonitors()) {
      nextHeartbeatDeadlineMs = heartbeats.nextDeadlineMs(targetSpecs, clockMs);
    }
    // Certificates near expiry: whenever votes change, and once per minute of state time.
    boolean certSweep = evaluateAll || freshChanged || previousClockMs / CERT_SWEEP_MS != clockMs / CERT_SWEEP_MS;
    for (TargetTrack track : certSweep ? tracks.values() : targetVerdicts.tracksOf(touched)) {
      targetVerdicts.checkCertificate(entry, track);
    }
    for (RepairLadders.Change change : repairs.exhaustDue(clockMs, id -> targetSpecs.containsKey(id)
        ? targetSpecs.get(id).getRepair() : null)) {
      Announcements.repairChanged(entry, change, targetSpecs.get(change.record().getTargetId()));
    }
    // In the same entry as the verdicts: traffic leaves a DOWN endpoint in the commit that calls it DOWN.
    for (Failover.Change change : failover.evaluate(index, clockMs, serviceSpecs.values(), verdicts)) {
      Announcements.serviceMoved(entry, change, serviceSpecs.get(change.record().getServiceId()));
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
