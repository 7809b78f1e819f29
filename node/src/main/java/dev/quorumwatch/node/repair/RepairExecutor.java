package dev.quorumwatch.node.repair;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.raft.CommandSink;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.RepairAttemptFinished;
import dev.quorumwatch.proto.RepairAttemptStarted;
import dev.quorumwatch.proto.RepairRecord;
import dev.quorumwatch.proto.RepairSpec;
import dev.quorumwatch.proto.RepairStep;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs repair attempts on the leader. For an attempt that is due it first commits
 * {@code RepairAttemptStarted}; only if that command is accepted (the replicated state
 * takes each attempt once) does it run the action, then it commits the result. An attempt
 * started by a leader that died shows no result: once its timeout and a grace period have
 * passed, the current leader records it as unknown and the ladder moves on, never running
 * it twice. All state is confined to one executor thread.
 *
 * <p>It does not poll: it looks when the replicated state changes in a way that can make an
 * attempt due ({@link #wake}: a ladder, an attempt or a verdict changed), and at the next
 * time something falls due by time alone (an attempt's wait, an orphan's timeout).
 */
public final class RepairExecutor {
  static final long ORPHAN_GRACE_MS = 5_000;
  static final long COMMIT_RETRY_MS = 500;
  private static final Logger log = LoggerFactory.getLogger(RepairExecutor.class);

  private record Due(RepairRecord record, RepairStep step, boolean orphaned) {}

  /** What is due now, and when the next thing falls due by time alone (MAX_VALUE: only on a change). */
  private record Look(List<Due> due, long nextDueMs) {}

  private final MonitorStateMachine state;
  private final CommandSink raft;
  private final RepairActions actions;
  private final ScheduledExecutorService executor;
  private final LongSupplier clockMs;
  private final Set<String> running = new HashSet<>();
  private boolean active;
  private ScheduledFuture<?> nextPass;

  RepairExecutor(MonitorStateMachine state, CommandSink raft, RepairActions actions, ScheduledExecutorService executor,
      LongSupplier clockMs) {
    this.state = state;
    this.raft = raft;
    this.actions = actions;
    this.executor = executor;
    this.clockMs = clockMs;
  }

  public static RepairExecutor create(MonitorStateMachine state, CommandSink raft, HttpClient http,
      ExecutorService blocking, Set<String> allowedCommands, Secrets secrets, DeniedNetworks denied,
      ScheduledExecutorService executor) {
    return new RepairExecutor(state, raft, new RepairActions(http, blocking, allowedCommands, secrets, denied),
        executor, System::currentTimeMillis);
  }

  /** This node leads: attempts that are due run from here. */
  public void start() {
    executor.execute(() -> {
      active = true;
      pass();
    });
  }

  /** Starts nothing new; attempts already running finish and report their result. */
  public void stop() {
    executor.execute(() -> {
      active = false;
      passAt(Long.MAX_VALUE);
    });
  }

  /** The replicated state changed so that an attempt may be due (a ladder, an attempt or a verdict): look now. */
  public void wake() {
    executor.execute(this::pass);
  }

  private void pass() {
    if (!active) {
      return;
    }
    long now = clockMs.getAsLong();
    Look look = look(now);
    for (Due due : look.due()) {
      String target = due.record().getTargetId();
      running.add(target);
      if (due.orphaned()) {
        commitFinished(due.record(), false, "no result from the leader that started it", true)
            .whenCompleteAsync((done, error) -> settled(target), executor);
      } else {
        start(due.record(), due.step());
      }
    }
    passAt(look.nextDueMs());
  }

  /** An attempt of {@code target} is no longer this node's business: what it changed may make the next one due. */
  private void settled(String target) {
    running.remove(target);
    pass();
  }

  private void passAt(long atMs) {
    if (nextPass != null) {
      nextPass.cancel(false);
      nextPass = null;
    }
    if (atMs != Long.MAX_VALUE && active) {
      nextPass = executor.schedule(this::pass, Math.max(0, atMs - clockMs.getAsLong()), TimeUnit.MILLISECONDS);
    }
  }

  private Look look(long now) {
    return state.read(c -> {
      List<Due> out = new ArrayList<>();
      long next = Long.MAX_VALUE;
      for (RepairRecord r : c.repairs()) {
        if (!r.getRunning() || running.contains(r.getTargetId())) {
          continue;
        }
        RepairSpec spec = c.targetSpec(r.getTargetId()).map(TargetSpec::getRepair).orElse(null);
        if (spec == null || r.getStep() >= spec.getStepsCount()) {
          continue;
        }
        RepairStep step = spec.getSteps(r.getStep());
        if (r.getInFlight()) {
          long orphanAt = r.getAttemptStartedMs() + step.getTimeoutMs() + ORPHAN_GRACE_MS;
          if (now >= orphanAt) {
            out.add(new Due(r, step, true));
          } else {
            next = Math.min(next, orphanAt);
          }
        } else if (c.verdictOf(r.getTargetId()) == Verdict.VERDICT_DOWN) {
          if (now >= r.getDueMs()) {
            out.add(new Due(r, step, false));
          } else {
            next = Math.min(next, r.getDueMs());
          }
        }
      }
      return new Look(out, next);
    });
  }

  private void start(RepairRecord r, RepairStep step) {
    String target = r.getTargetId();
    Command started = Command.newBuilder().setRepairStarted(RepairAttemptStarted.newBuilder().setTargetId(target)
        .setLadderId(r.getLadderId()).setStep(r.getStep()).setAttempt(r.getAttempt())).build();
    raft.submit(started).whenCompleteAsync((reply, error) -> {
      if (error != null) {
        running.remove(target); // no answer (no leader, a timeout): look again in a moment
        executor.schedule(this::pass, COMMIT_RETRY_MS, TimeUnit.MILLISECONDS);
        return;
      }
      if (!reply.getAccepted()) {
        settled(target); // not ours to run (taken, or no longer due)
        return;
      }
      log.info("repair attempt started target={} ladder={} step={} attempt={}", target, r.getLadderId(),
          step.getName(), r.getAttempt());
      actions.run(step).whenCompleteAsync((result, failure) -> {
        boolean ok = failure == null && result.ok();
        String detail = failure != null ? failure.getClass().getSimpleName() : result.detail();
        log.info("repair attempt finished target={} ladder={} step={} attempt={} ok={} detail=\"{}\"", target,
            r.getLadderId(), step.getName(), r.getAttempt(), ok, detail);
        commitFinished(r, ok, detail, false).whenCompleteAsync((done, e) -> settled(target), executor);
      }, executor);
    }, executor);
  }

  /** Commits a result, retrying while nothing answers; a rejection (the ladder moved on) ends it. */
  private CompletableFuture<Void> commitFinished(RepairRecord r, boolean ok, String detail, boolean unknown) {
    Command finished = Command.newBuilder().setRepairFinished(RepairAttemptFinished.newBuilder()
        .setTargetId(r.getTargetId()).setLadderId(r.getLadderId()).setStep(r.getStep()).setAttempt(r.getAttempt())
        .setOk(ok).setDetail(detail).setUnknown(unknown)).build();
    CompletableFuture<Void> done = new CompletableFuture<>();
    submitUntilAnswered(finished, done);
    return done;
  }

  private void submitUntilAnswered(Command command, CompletableFuture<Void> done) {
    raft.submit(command).whenCompleteAsync((CommandReply reply, Throwable error) -> {
      if (error == null) {
        if (!reply.getAccepted()) {
          log.info("repair result not recorded target={} reason=\"{}\"",
              command.getRepairFinished().getTargetId(), reply.getError());
        }
        done.complete(null);
        return;
      }
      executor.schedule(() -> submitUntilAnswered(command, done), COMMIT_RETRY_MS, TimeUnit.MILLISECONDS);
    }, executor);
  }
}
