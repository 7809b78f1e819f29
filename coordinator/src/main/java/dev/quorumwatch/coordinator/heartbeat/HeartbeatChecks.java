package dev.quorumwatch.coordinator.heartbeat;

import dev.quorumwatch.proto.HeartbeatCheck;
import dev.quorumwatch.proto.HeartbeatRecord;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Ping;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The only owner of heartbeat targets' pings. A heartbeat target is judged on the state
 * clock from the pings the cluster committed, whichever node took them: it is late, and
 * DOWN, when no success came within period + grace of the last one (or of the target's
 * creation), when a started run has not finished within max_runtime, or when the job said
 * it failed. So a missed heartbeat pages once, from the replicated state, even when the node
 * that took the last ping is gone.
 */
public final class HeartbeatChecks {
  /** A ping's body is kept up to this many characters. */
  public static final int BODY_KEPT_CHARS = 10 * 1024;

  private final TreeMap<String, HeartbeatRecord> byTarget = new TreeMap<>();

  /** The verdict a heartbeat target has now, and why, for history, events and the alert. */
  public record Judgement(Verdict verdict, String note) {}

  /** Keeps the records of the spec's heartbeat targets; a new one is watched from now. */
  public void keepTargets(Map<String, TargetSpec> specs, long clockMs) {
    byTarget.keySet().removeIf(id -> !specs.containsKey(id) || !specs.get(id).hasHeartbeat());
    for (TargetSpec spec : specs.values()) {
      if (spec.hasHeartbeat()) {
        byTarget.computeIfAbsent(spec.getId(), id -> HeartbeatRecord.newBuilder().setWatchedSinceMs(clockMs).build());
      }
    }
  }

  public Collection<String> targetIds() {
    return byTarget.keySet();
  }

  /** Records a ping; false when its target is not (or no longer) a heartbeat target. */
  public boolean record(Ping ping, long clockMs) {
    HeartbeatRecord r = byTarget.get(ping.getTargetId());
    if (r == null) {
      return false;
    }
    HeartbeatRecord.Builder next = r.toBuilder().setLastPingMs(clockMs).setLastKind(ping.getKindValue())
        .setLastExitCode(ping.getExitCode()).setLastNodeId(ping.getNodeId()).setPings(r.getPings() + 1)
        .setLastBody(ping.getBody().length() > BODY_KEPT_CHARS ? ping.getBody().substring(0, BODY_KEPT_CHARS)
            : ping.getBody());
    switch (ping.getKind()) {
      case KIND_START -> next.setRunningSinceMs(clockMs);
      case KIND_FAIL -> next.setRunningSinceMs(0);
      default -> next.setRunningSinceMs(0).setLastSuccessMs(clockMs);
    }
    byTarget.put(ping.getTargetId(), next.build());
    return true;
  }

  /** Forgets the body of every last ping taken before {@code cutoffMs}; the rest of the record stays. */
  public void forgetBodiesBefore(long cutoffMs) {
    byTarget.replaceAll((id, r) -> r.getLastPingMs() < cutoffMs && !r.getLastBody().isEmpty()
        ? r.toBuilder().clearLastBody().build() : r);
  }

  public HeartbeatRecord recordOf(String targetId) {
    return byTarget.getOrDefault(targetId, HeartbeatRecord.getDefaultInstance());
  }

  /** A heartbeat target's verdict at {@code clockMs}, from its record alone. */
  public static Judgement judge(HeartbeatRecord r, HeartbeatCheck check, long clockMs) {
    boolean lastWasFailure = r.getLastKind() == Ping.Kind.KIND_FAIL_VALUE && r.getLastPingMs() > 0;
    if (lastWasFailure) {
      return new Judgement(Verdict.VERDICT_DOWN, "the job reported a failure"
          + (r.getLastExitCode() != 0 ? " (exit " + r.getLastExitCode() + ")" : "") + " at " + at(r.getLastPingMs()));
    }
    if (timedByRun(r, check)) {
      // A run under way is judged by max_runtime alone: a long job is not late while it runs.
      if (clockMs >= r.getRunningSinceMs() + check.getMaxRuntimeMs()) {
        return new Judgement(Verdict.VERDICT_DOWN, "started at " + at(r.getRunningSinceMs())
            + " and not finished within max_runtime " + check.getMaxRuntimeMs() / 1000 + " s");
      }
      return r.getLastSuccessMs() > 0 ? new Judgement(Verdict.VERDICT_UP, "running since " + at(r.getRunningSinceMs()))
          : new Judgement(Verdict.VERDICT_UNKNOWN, "first run under way since " + at(r.getRunningSinceMs()));
    }
    long since = r.getLastSuccessMs() > 0 ? r.getLastSuccessMs() : r.getWatchedSinceMs();
    if (clockMs >= since + check.getPeriodMs() + check.getGraceMs()) {
      return new Judgement(Verdict.VERDICT_DOWN, (r.getLastSuccessMs() > 0 ? "no ping since " + at(since)
          : "no ping at all since it was added at " + at(since)) + " (period " + check.getPeriodMs() / 1000
          + " s + grace " + check.getGraceMs() / 1000 + " s)");
    }
    if (r.getLastSuccessMs() > 0) {
      return new Judgement(Verdict.VERDICT_UP, "last ping " + at(r.getLastSuccessMs()));
    }
    return new Judgement(Verdict.VERDICT_UNKNOWN, "waiting for the first ping");
  }

  private static boolean timedByRun(HeartbeatRecord r, HeartbeatCheck check) {
    return r.getRunningSinceMs() > 0 && check.getMaxRuntimeMs() > 0;
  }

  /** The first state-clock time after {@code clockMs} at which time alone changes a verdict. */
  public long nextDeadlineMs(Map<String, TargetSpec> specs, long clockMs) {
    long next = Long.MAX_VALUE;
    for (Map.Entry<String, HeartbeatRecord> e : byTarget.entrySet()) {
      TargetSpec spec = specs.get(e.getKey());
      if (spec == null) {
        continue;
      }
      HeartbeatCheck check = spec.getHeartbeat();
      HeartbeatRecord r = e.getValue();
      long deadline = timedByRun(r, check) ? r.getRunningSinceMs() + check.getMaxRuntimeMs()
          : (r.getLastSuccessMs() > 0 ? r.getLastSuccessMs() : r.getWatchedSinceMs()) + check.getPeriodMs()
              + check.getGraceMs();
      if (deadline > clockMs) {
        next = Math.min(next, deadline);
      }
    }
    return next;
  }

  /** TargetDown for a heartbeat target: no regions, the reason as the summary. */
  public static Incident.Builder draftDown(String alertname, String severity, String targetId, TargetSpec spec,
      String reason) {
    return Incident.newBuilder().setTargetId(targetId).setAlertname(alertname).setSeverity(severity)
        .addAllLabels(spec.getLabelsList()).setSummary(targetId + " heartbeat: " + reason);
  }

  public void restore(String targetId, HeartbeatRecord record) {
    byTarget.put(targetId, record);
  }

  private static String at(long ms) {
    return Instant.ofEpochMilli(ms).toString();
  }
}
