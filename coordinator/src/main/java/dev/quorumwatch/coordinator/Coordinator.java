package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.incident.IncidentLog;
import dev.quorumwatch.coordinator.membership.Membership;
import dev.quorumwatch.coordinator.notify.NotificationIds;
import dev.quorumwatch.coordinator.notify.Outbox;
import dev.quorumwatch.coordinator.verdict.VerdictRule;
import dev.quorumwatch.coordinator.verdict.VoteTally;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.SetCluster;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteRecord;
import dev.quorumwatch.proto.VoteState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated brain: {@code apply(index, command)} turns votes into verdicts, verdicts
 * into incidents, incidents into notifications. Pure and deterministic: no clock, threads,
 * I/O or randomness; time arrives inside commands. Not thread-safe: its owner serializes
 * access.
 */
public final class Coordinator {
  static final String ALERT_TARGET_DOWN = "TargetDown";
  static final String SEVERITY_CRITICAL = "critical";

  long clockMs;
  MonitorsSpec monitors = MonitorsSpec.getDefaultInstance();
  long monitorsIndex;
  final Map<String, TargetSpec> targetSpecs = new LinkedHashMap<>();
  final TreeMap<String, TargetTrack> tracks = new TreeMap<>();
  final Membership membership = new Membership();
  final IncidentLog incidents = new IncidentLog();
  final Outbox outbox = new Outbox();
  private SortedSet<String> freshAtLastEvaluation = new TreeSet<>();
  private int incidentsOpenedInEntry;

  public ApplyOutcome apply(long index, Command command) {
    String problem = problem(command);
    if (problem != null) {
      return ApplyOutcome.rejected(problem); // a rejected command changes nothing, not even the clock
    }
    clockMs = Math.max(clockMs, command.getAtMs());
    incidentsOpenedInEntry = 0;
    List<Event> events = new ArrayList<>();
    Set<String> touched = new HashSet<>();
    boolean evaluateAll;
    switch (command.getKindCase()) {
      case REPORT_VIEW -> {
        recordReport(command.getReportView(), touched);
        evaluateAll = false;
      }
      case TICK -> evaluateAll = false;
      case DELIVERED -> {
        for (String id : command.getDelivered().getNotificationIdsList()) {
          if (outbox.markDelivered(id)) {
            events.add(event("delivered").setMessage(id).build());
          }
        }
        evaluateAll = false;
      }
      case APPLY_MONITORS -> {
        replaceMonitors(index, command.getApplyMonitors().getSpec(), events);
        evaluateAll = true;
      }
      case SET_CLUSTER -> {
        membership.configure(command.getSetCluster());
        evaluateAll = true;
      }
      default -> throw new IllegalStateException("checked by problem(): " + command.getKindCase());
    }
    SortedSet<String> fresh = membership.freshNodes(clockMs);
    if (evaluateAll || !fresh.equals(freshAtLastEvaluation)) {
      for (TargetTrack track : tracks.values()) {
        evaluate(index, track, events);
      }
    } else {
      for (String id : new TreeSet<>(touched)) {
        evaluate(index, tracks.get(id), events);
      }
    }
    freshAtLastEvaluation = fresh;
    return new ApplyOutcome(true, "", events);
  }

  private static String problem(Command command) {
    return switch (command.getKindCase()) {
      case APPLY_MONITORS -> MonitorsCheck.problem(command.getApplyMonitors().getSpec());
      case SET_CLUSTER -> Membership.validate(command.getSetCluster());
      case REPORT_VIEW -> command.getReportView().getNodeId().isEmpty() ? "report without a node id" : null;
      case TICK, DELIVERED -> null;
      default -> "unknown command " + command.getKindCase();
    };
  }

  private void recordReport(ReportView report, Set<String> touched) {
    String nodeId = report.getNodeId();
    membership.heartbeat(nodeId, report.getRegion(), clockMs);
    // Targets a report does not mention keep this node's last vote. A node withdraws a vote
    // explicitly (an unspecified observation) when it has no current opinion.
    for (Observation o : report.getObservationsList()) {
      TargetTrack track = tracks.get(o.getTargetId());
      if (track == null) {
        continue; // a target removed since the node looked
      }
      if (o.getState() == VoteState.VOTE_UNSPECIFIED) {
        // The node has no current opinion (just started, or back from a pause with probe
        // results too old to stand for the present): its old vote may hold the verdict but
        // not change it (see evaluate).
        VoteRecord old = track.votesByNode.get(nodeId);
        if (old != null && !old.getWithdrawn()) {
          track.votesByNode.put(nodeId, old.toBuilder().setWithdrawn(true).build());
          touched.add(track.targetId);
        }
        continue;
      }
      VoteRecord previous = track.votesByNode.get(nodeId);
      boolean sameState = previous != null && previous.getState() == o.getState();
      if (sameState && !previous.getWithdrawn() && previous.getFailureClass().equals(o.getFailureClass())
          && previous.getDetail().equals(o.getDetail())) {
        continue;
      }
      track.votesByNode.put(nodeId, VoteRecord.newBuilder()
          .setNodeId(nodeId)
          .setState(o.getState())
          .setFailureClass(o.getFailureClass())
          .setDetail(o.getDetail())
          .setSinceMs(sameState ? previous.getSinceMs() : clockMs)
          .build());
      touched.add(track.targetId);
    }
  }

  private void replaceMonitors(long index, MonitorsSpec spec, List<Event> events) {
    Set<String> kept = new HashSet<>();
    for (TargetSpec t : spec.getTargetsList()) {
      kept.add(t.getId());
    }
    // Receivers first: a removed target's open incident resolves to the new receivers.
    monitors = spec;
    monitorsIndex = index;
    for (TargetTrack track : new ArrayList<>(tracks.values())) {
      if (!kept.contains(track.targetId)) {
        if (!track.openIncidentId.isEmpty()) {
          resolveIncident(track, events);
        }
        tracks.remove(track.targetId);
      }
    }
    targetSpecs.clear();
    for (TargetSpec t : spec.getTargetsList()) {
      targetSpecs.put(t.getId(), t);
      tracks.computeIfAbsent(t.getId(), TargetTrack::new);
    }
    events.add(event("monitors_applied")
        .setMessage(spec.getTargetsCount() + " targets, " + spec.getReceiversCount() + " receivers")
        .build());
  }

  private void evaluate(long index, TargetTrack track, List<Event> events) {
    int up = 0;
    int down = 0;
    int slow = 0;
    int withdrawnUp = 0;
    int withdrawnDown = 0;
    int withdrawnSlow = 0;
    TreeSet<String> downRegions = new TreeSet<>();
    for (VoteRecord vote : track.votesByNode.values()) {
      if (!membership.isFresh(vote.getNodeId(), clockMs)) {
        continue;
      }
      boolean withdrawn = vote.getWithdrawn();
      switch (vote.getState()) {
        case VOTE_UP -> {
          if (withdrawn) {
            withdrawnUp++;
          } else {
            up++;
          }
        }
        case VOTE_DOWN -> {
          if (withdrawn) {
            withdrawnDown++;
          } else {
            down++;
            downRegions.add(membership.regionOf(vote.getNodeId()));
          }
        }
        case VOTE_SLOW -> {
          if (withdrawn) {
            withdrawnSlow++;
          } else {
            slow++;
          }
        }
        default -> { }
      }
    }
    Verdict previous = track.verdict;
    int quorum = membership.quorum();
    Verdict next = VerdictRule.decide(new VoteTally(up, down, slow), quorum, previous);
    // Withdrawn votes may hold the verdict (a restarted majority must not resolve a real
    // outage before it has probed again) but never move it (an outdated "down" must not
    // start one).
    if (next != previous && VerdictRule.decide(new VoteTally(up + withdrawnUp, down + withdrawnDown,
        slow + withdrawnSlow), quorum, previous) == previous) {
      next = previous;
    }
    if (!track.openIncidentId.isEmpty()) {
      incidents.addRegions(track.openIncidentId, downRegions);
    }
    if (next == previous) {
      return;
    }
    track.verdict = next;
    track.verdictSinceMs = clockMs;
    track.uptime.onVerdictKnown(clockMs);
    if (previous == Verdict.VERDICT_DOWN) {
      track.uptime.downEnded(clockMs);
      resolveIncident(track, events);
    }
    if (next == Verdict.VERDICT_DOWN) {
      track.uptime.downStarted(clockMs);
      openIncident(index, track, downRegions, events);
    }
    events.add(event("verdict")
        .setTargetId(track.targetId)
        .setVerdict(next)
        .setPreviousVerdict(previous)
        .setIncidentId(track.openIncidentId)
        .setMessage("down " + down + ", up " + up + ", slow " + slow + ", quorum " + membership.quorum())
        .build());
  }

  private void openIncident(long index, TargetTrack track, Collection<String> regions, List<Event> events) {
    incidentsOpenedInEntry++;
    String id = "inc-" + index + (incidentsOpenedInEntry > 1 ? "." + incidentsOpenedInEntry : "");
    TargetSpec spec = targetSpecs.get(track.targetId);
    Incident incident = incidents.open(id, track.targetId, SEVERITY_CRITICAL, clockMs, index, regions,
        spec == null ? List.of() : spec.getLabelsList());
    track.openIncidentId = id;
    notifyReceivers(incident, "firing");
    events.add(event("incident_opened").setTargetId(track.targetId).setIncidentId(id)
        .setMessage("regions " + String.join(",", incident.getRegionsList())).build());
  }

  private void resolveIncident(TargetTrack track, List<Event> events) {
    Incident incident = incidents.resolve(track.openIncidentId, clockMs);
    track.openIncidentId = "";
    notifyReceivers(incident, "resolved");
    events.add(event("incident_resolved").setTargetId(track.targetId).setIncidentId(incident.getId()).build());
  }

  private void notifyReceivers(Incident incident, String status) {
    for (ReceiverSpec receiver : monitors.getReceiversList()) {
      outbox.add(Notification.newBuilder()
          .setId(NotificationIds.of(incident.getId(), receiver.getId(), status))
          .setReceiverId(receiver.getId())
          .setIncidentId(incident.getId())
          .setStatus(status)
          .setAlertname(ALERT_TARGET_DOWN)
          .setTargetId(incident.getTargetId())
          .setSeverity(incident.getSeverity())
          .addAllLabels(incident.getLabelsList())
          .setStartsMs(incident.getStartedMs())
          .setEndsMs(incident.getResolvedMs())
          .addAllRegions(incident.getRegionsList())
          .setQuorum(membership.quorum())
          .setCreatedMs(clockMs)
          .setClusterId(membership.clusterId()));
    }
  }

  private Event.Builder event(String kind) {
    return Event.newBuilder().setAtMs(clockMs).setKind(kind);
  }

  // ---- read side: used by the node's API, dispatcher and probes, from its own replica ----

  public long clockMs() {
    return clockMs;
  }

  public MonitorsSpec monitors() {
    return monitors;
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

  public Collection<Notification> pendingNotifications() {
    return outbox.pending();
  }

  public boolean isPending(String notificationId) {
    return outbox.isPending(notificationId);
  }

  public Verdict verdictOf(String targetId) {
    TargetTrack track = tracks.get(targetId);
    return track == null ? Verdict.VERDICT_UNKNOWN : track.verdict;
  }

  /** One row per configured target, in the order of the monitors file. */
  public List<TargetRow> targetRows() {
    List<TargetRow> rows = new ArrayList<>();
    for (TargetSpec spec : targetSpecs.values()) {
      TargetTrack track = tracks.get(spec.getId());
      Map<String, VoteRecord> votes = new TreeMap<>(track.votesByNode);
      Map<String, Boolean> fresh = new TreeMap<>();
      for (String node : votes.keySet()) {
        fresh.put(node, membership.isFresh(node, clockMs));
      }
      rows.add(new TargetRow(spec, track.verdict, track.verdictSinceMs, track.openIncidentId, votes, fresh,
          track.uptime.uptimePercent(clockMs, 24L * 3600 * 1000),
          track.uptime.uptimePercent(clockMs, 7L * 24 * 3600 * 1000),
          track.uptime.uptimePercent(clockMs, 30L * 24 * 3600 * 1000)));
    }
    return rows;
  }

  /** Starts the derived bookkeeping after a restore, exactly as it stood when saved. */
  void afterRestore() {
    freshAtLastEvaluation = membership.freshNodes(clockMs);
  }

  public SetCluster clusterSettings() {
    return membership.settings();
  }
}
