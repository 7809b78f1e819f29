package dev.quorumwatch.coordinator;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.coordinator.alert.Silences;
import dev.quorumwatch.coordinator.incident.IncidentLog;
import dev.quorumwatch.coordinator.membership.Membership;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.coordinator.notify.ReceiverKinds;
import dev.quorumwatch.proto.AddSilence;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.IncidentUpdate;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.PostIncidentUpdate;
import dev.quorumwatch.proto.RepairAttemptStarted;
import dev.quorumwatch.proto.Silence;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Whether a command may be applied to the state as it stands: the answer is a reason to
 * reject it, or null. Deterministic, like everything the state machine decides: every replica
 * rejects the same entries.
 */
final class CommandChecks {
  static final int PINGS_PER_COMMAND_MAX = 1_000;
  private final Coordinator c;

  CommandChecks(Coordinator c) {
    this.c = c;
  }

  private String updateProblem(PostIncidentUpdate update) {
    SortedSet<String> older = c.membership.membersBelow(Protocol.UPDATES_AND_INHIBITION);
    if (!older.isEmpty()) {
      return "incident updates need every node upgraded; older: " + String.join(", ", older);
    }
    Optional<Incident> i = c.incidents.get(update.getIncidentId());
    if (i.isEmpty()) {
      return "no incident " + update.getIncidentId();
    }
    if (IncidentUpdate.Status.forNumber(update.getStatus()) == null
        || update.getStatus() == IncidentUpdate.Status.STATUS_UNSPECIFIED_VALUE) {
      return "status: expected investigating, identified, monitoring or resolved";
    }
    if (update.getMessage().isBlank() || update.getMessage().length() > IncidentLog.UPDATE_MESSAGE_CHARS_MAX) {
      return "message: expected 1 to " + IncidentLog.UPDATE_MESSAGE_CHARS_MAX + " characters, got " + update.getMessage().length();
    }
    if (update.getBy().isEmpty() || update.getBy().length() > 200) {
      return "by: expected 1 to 200 characters";
    }
    return i.get().getUpdatesCount() >= IncidentLog.UPDATES_MAX
        ? "incident " + update.getIncidentId() + " already has " + IncidentLog.UPDATES_MAX + " updates" : null;
  }

  String problem(Command command) {
    return switch (command.getKindCase()) {
      case APPLY_MONITORS -> {
        MonitorsSpec spec = command.getApplyMonitors().getSpec();
        String invalid = MonitorsCheck.problem(spec);
        if (invalid != null) {
          yield invalid;
        }
        SortedSet<String> older = c.membership.membersBelow(Protocol.RECEIVER_KINDS);
        if (!older.isEmpty() && ReceiverKinds.needsReceiverKinds(spec)) {
          yield "receivers other than webhook, fallback and templates need every node upgraded; older: "
              + String.join(", ", older);
        }
        SortedSet<String> noHeartbeats = c.membership.membersBelow(Protocol.HEARTBEATS);
        // Older replicas would ignore depends_on and page where newer ones hold back.
        boolean needsProtocol4 = spec.getTargetsList().stream().anyMatch(t -> t.hasHeartbeat() || t.getDependsOnCount() > 0)
            || spec.getServicesList().stream().anyMatch(svc -> svc.getDependsOnCount() > 0);
        if (!noHeartbeats.isEmpty() && needsProtocol4) {
          yield "heartbeat targets and depends_on need every node upgraded; older: " + String.join(", ", noHeartbeats);
        }
        SortedSet<String> noInhibition = c.membership.membersBelow(Protocol.UPDATES_AND_INHIBITION);
        // Older replicas would ignore inhibit_rules and page where newer ones hold back.
        yield noInhibition.isEmpty() || spec.getInhibitRulesCount() == 0 ? null
            : "inhibit_rules need every node upgraded; older: " + String.join(", ", noInhibition);
      }
      case PINGS -> {
        SortedSet<String> older = c.membership.membersBelow(Protocol.HEARTBEATS);
        yield !older.isEmpty() ? "pings need every node upgraded; older: " + String.join(", ", older)
            : command.getPings().getPingsCount() == 0 || command.getPings().getPingsCount() > PINGS_PER_COMMAND_MAX
                ? "1 to " + PINGS_PER_COMMAND_MAX + " pings per command" : null;
      }
      case SET_CLUSTER -> Membership.validate(command.getSetCluster());
      case REPORT_VIEW -> command.getReportView().getNodeId().isEmpty() ? "report without a node id" : null;
      case TICK, DELIVERED, DELIVERY_FAILED, HAND_OVER -> null;
      case SET_ACTIVE_ENDPOINT -> c.failover.problem(command.getSetActiveEndpoint(),
          c.serviceSpecs.get(command.getSetActiveEndpoint().getServiceId()), c.verdicts);
      case REPAIR_STARTED -> {
        RepairAttemptStarted started = command.getRepairStarted();
        TargetSpec spec = c.targetSpecs.get(started.getTargetId());
        yield spec == null ? "no target " + started.getTargetId()
            : c.repairs.startProblem(started, spec.getRepair(), c.verdictOf(started.getTargetId()) == Verdict.VERDICT_DOWN);
      }
      case REPAIR_FINISHED -> c.targetSpecs.containsKey(command.getRepairFinished().getTargetId())
          ? c.repairs.finishProblem(command.getRepairFinished())
          : "no target " + command.getRepairFinished().getTargetId();
      case ADD_SILENCE -> silenceProblem(command.getAddSilence());
      case EXPIRE_SILENCE -> {
        Optional<Silence> s = c.silences.get(command.getExpireSilence().getSilenceId());
        yield s.isEmpty() ? "no silence " + command.getExpireSilence().getSilenceId()
            : s.get().getEndsMs() <= Math.max(c.clockMs, command.getAtMs())
                ? "silence " + s.get().getId() + " has already expired" : null;
      }
      case POST_INCIDENT_UPDATE -> updateProblem(command.getPostIncidentUpdate());
      case ACKNOWLEDGE -> {
        Optional<Incident> i = c.incidents.get(command.getAcknowledge().getIncidentId());
        yield i.isEmpty() ? "no incident " + command.getAcknowledge().getIncidentId()
            : !i.get().getOpen() ? "incident " + i.get().getId() + " is already resolved" : null;
      }
      case RESTORE_STATE -> "a restore replaces the whole state: the state machine applies it with StateRestore";
      default -> "unknown command " + command.getKindCase();
    };
  }

  private String silenceProblem(AddSilence add) {
    if (add.getMatchersCount() == 0) {
      return "a silence needs at least one matcher";
    }
    if (add.getDurationMs() <= 0 || add.getDurationMs() > Coordinator.SILENCE_MAX_MS) {
      return "a silence needs a positive duration of at most 3650 days";
    }
    if (c.silences.activeCount(c.clockMs) >= Silences.ACTIVE_MAX) {
      return "too many active silences (" + Silences.ACTIVE_MAX + "); expire some first";
    }
    return Matchers.problem(add.getMatchersList());
  }
}
