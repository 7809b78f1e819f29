package dev.quorumwatch.coordinator.repair;

import dev.quorumwatch.coordinator.incident.Severity;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.RepairAttempt;
import dev.quorumwatch.proto.RepairAttemptFinished;
import dev.quorumwatch.proto.RepairAttemptStarted;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.RepairSpec;
import dev.quorumwatch.proto.RepairStep;
import dev.quorumwatch.proto.TargetSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Each target's repair ladder. A ladder starts when the target's verdict becomes DOWN
 * (unless the hourly budget is spent) and ends as soon as it is UP again. The leader runs
 * the attempts; each attempt's start and result are commands, so this record always says
 * which attempt is next and a new leader neither repeats a finished attempt nor skips one.
 * The only owner of repair records; time comes from the caller.
 */
public final class RepairLadders {
  public static final String ALERT_STARTED = "RepairStarted";
  public static final String ALERT_SUCCEEDED = "RepairSucceeded";
  public static final String ALERT_EXHAUSTED = "RepairExhausted";

  /** The one-shot Repair* alert for a ladder that began or ended ({@code what} says how). */
  public static Incident.Builder alertFor(Change change, String what, TargetSpec spec) {
    RepairRecord r = change.record();
    return Incident.newBuilder()
        .setTargetId(r.getTargetId())
        .setAlertname(switch (change.outcome()) {
          case STARTED -> ALERT_STARTED;
          case SUCCEEDED -> ALERT_SUCCEEDED;
          default -> ALERT_EXHAUSTED;
        })
        .setSeverity(change.outcome() == Outcome.EXHAUSTED ? Severity.CRITICAL : Severity.WARNING)
        .addAllLabels(spec.getLabelsList())
        .setSummary(r.getTargetId() + ": " + what);
  }

  static final long HOUR_MS = 3_600_000;
  public static final int ATTEMPTS_KEPT = 50;

  public enum Outcome { STARTED, SUCCEEDED, EXHAUSTED, BUDGET_SPENT }

  /** A ladder's beginning or end, for events and notifications. */
  public record Change(RepairRecord record, Outcome outcome) {}

  private final TreeMap<String, RepairRecord> byTarget = new TreeMap<>();

  /** The target went DOWN: starts a ladder unless one runs or the budget is spent. */
  public Optional<Change> onDown(long index, long nowMs, String targetId, RepairSpec spec) {
    if (spec.getStepsCount() == 0) {
      return Optional.empty();
    }
    RepairRecord current = byTarget.getOrDefault(targetId, RepairRecord.newBuilder().setTargetId(targetId).build());
    if (current.getRunning()) {
      return Optional.empty(); // DOWN again after a REGIONAL spell: the same ladder goes on
    }
    List<Long> recent = current.getLadderStartsMsList().stream().filter(t -> t > nowMs - HOUR_MS).toList();
    if (recent.size() >= spec.getMaxLaddersPerHour()) {
      RepairRecord spent = current.toBuilder().clearLadderStartsMs().addAllLadderStartsMs(recent).build();
      byTarget.put(targetId, spent);
      return Optional.of(new Change(spent, Outcome.BUDGET_SPENT));
    }
    RepairRecord started = current.toBuilder()
        .setLadderId("rep-" + index)
        .setRunning(true)
        .setStep(0)
        .setAttempt(1)
        .setDueMs(nowMs)
        .setInFlight(false)
        .setLadderStartedMs(nowMs)
        .clearAttempts()
        .clearLadderStartsMs().addAllLadderStartsMs(recent).addLadderStartsMs(nowMs)
        .setLastResult("")
        .setLaddersTotal(current.getLaddersTotal() + 1)
        .build();
    byTarget.put(targetId, started);
    return Optional.of(new Change(started, Outcome.STARTED));
  }

  /** The target is UP: a running ladder has done its job. */
  public Optional<Change> onUp(long nowMs, String targetId) {
    RepairRecord current = byTarget.get(targetId);
    if (current == null || !current.getRunning()) {
      return Optional.empty();
    }
    RepairRecord done = end(current, "succeeded", nowMs);
    return Optional.of(new Change(done, Outcome.SUCCEEDED));
  }

  /** Why the leader may not start this attempt now, or null. */
  public String startProblem(RepairAttemptStarted c, RepairSpec spec, boolean targetDown) {
    RepairRecord r = byTarget.get(c.getTargetId());
    if (r == null || !r.getRunning() || !r.getLadderId().equals(c.getLadderId())) {
      return "no running repair ladder " + c.getLadderId() + " for " + c.getTargetId();
    }
    if (r.getInFlight()) {
      return "attempt " + r.getStep() + "." + r.getAttempt() + " of " + c.getTargetId() + " is already running";
    }
    if (r.getStep() != c.getStep() || r.getAttempt() != c.getAttempt()) {
      return "the next attempt of " + c.getTargetId() + " is " + r.getStep() + "." + r.getAttempt() + ", not "
          + c.getStep() + "." + c.getAttempt();
    }
    if (r.getStep() >= spec.getStepsCount()) {
      return "every step of " + c.getTargetId() + " has been tried";
    }
    if (!targetDown) {
      return c.getTargetId() + " is not DOWN";
    }
    return null;
  }

  public void started(RepairAttemptStarted c, RepairSpec spec, long nowMs) {
    RepairRecord r = byTarget.get(c.getTargetId());
    RepairAttempt attempt = RepairAttempt.newBuilder()
        .setStep(c.getStep())
        .setStepName(spec.getSteps(c.getStep()).getName())
        .setAttempt(c.getAttempt())
        .setStartedMs(nowMs)
        .setResult("running")
        .build();
    RepairRecord.Builder next = r.toBuilder().setInFlight(true).setAttemptStartedMs(nowMs).addAttempts(attempt);
    while (next.getAttemptsCount() > ATTEMPTS_KEPT) {
      next.removeAttempts(0);
    }
    byTarget.put(c.getTargetId(), next.build());
  }

  /** Why this result cannot be recorded, or null. A result for the ladder that just ended is taken. */
  public String finishProblem(RepairAttemptFinished c) {
    RepairRecord r = byTarget.get(c.getTargetId());
    if (r == null || !r.getLadderId().equals(c.getLadderId()) || runningAttempt(r, c.getStep(), c.getAttempt()) < 0) {
      return "no running repair attempt " + c.getStep() + "." + c.getAttempt() + " of " + c.getLadderId();
    }
    return null;
  }

  /** Records the result; the next attempt is due after the step's wait. */
  public void finished(RepairAttemptFinished c, RepairSpec spec, long nowMs) {
    RepairRecord r = byTarget.get(c.getTargetId());
    int at = runningAttempt(r, c.getStep(), c.getAttempt());
    RepairRecord.Builder next = r.toBuilder().setAttempts(at, r.getAttempts(at).toBuilder()
        .setFinishedMs(nowMs)
        .setResult(c.getUnknown() ? "unknown" : c.getOk() ? "ok" : "failed")
        .setDetail(c.getDetail()));
    if (r.getRunning() && r.getInFlight() && r.getStep() == c.getStep() && r.getAttempt() == c.getAttempt()
        && c.getStep() < spec.getStepsCount()) {
      RepairStep step = spec.getSteps(c.getStep());
      next.setInFlight(false).setDueMs(nowMs + step.getWaitMs());
      if (c.getAttempt() < step.getAttempts()) {
        next.setAttempt(c.getAttempt() + 1);
      } else {
        next.setStep(c.getStep() + 1).setAttempt(1); // = steps count after the last: exhausted once its wait passes
      }
    }
    byTarget.put(c.getTargetId(), next.build());
  }

  /** Ladders whose every attempt is done and whose last wait has passed, still DOWN: exhausted. */
  public List<Change> exhaustDue(long nowMs, Function<String, RepairSpec> specs) {
    List<Change> out = new ArrayList<>();
    for (RepairRecord r : List.copyOf(byTarget.values())) {
      RepairSpec spec = specs.apply(r.getTargetId());
      if (r.getRunning() && !r.getInFlight() && spec != null && r.getStep() >= spec.getStepsCount()
          && nowMs >= r.getDueMs()) {
        out.add(new Change(end(r, "exhausted", nowMs), Outcome.EXHAUSTED));
      }
    }
    return out;
  }

  private RepairRecord end(RepairRecord r, String result, long nowMs) {
    // An attempt still running keeps its "running" entry: its result is recorded when it comes.
    RepairRecord done = r.toBuilder().setRunning(false).setInFlight(false).setLastResult(result)
        .setLastFinishedMs(nowMs).build();
    byTarget.put(r.getTargetId(), done);
    return done;
  }

  private static int runningAttempt(RepairRecord r, int step, int attempt) {
    for (int i = r.getAttemptsCount() - 1; i >= 0; i--) {
      RepairAttempt a = r.getAttempts(i);
      if (a.getStep() == step && a.getAttempt() == attempt) {
        return a.getResult().equals("running") ? i : -1;
      }
    }
    return -1;
  }

  /** The target's ladder changed in the monitors file: a running ladder stops where it is. */
  public void stop(String targetId, long nowMs) {
    RepairRecord r = byTarget.get(targetId);
    if (r != null && r.getRunning()) {
      end(r, "stopped", nowMs);
    }
  }

  /** Forgets targets no longer configured (or no longer repaired). */
  public void keepTargets(Set<String> ids) {
    byTarget.keySet().retainAll(ids);
  }

  public Optional<RepairRecord> get(String targetId) {
    return Optional.ofNullable(byTarget.get(targetId));
  }

  public Collection<RepairRecord> all() {
    return byTarget.values();
  }

  public void restore(Collection<RepairRecord> saved) {
    byTarget.clear();
    saved.forEach(r -> byTarget.put(r.getTargetId(), r));
  }
}
