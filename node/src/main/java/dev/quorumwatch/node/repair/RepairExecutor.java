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
 */
public final class RepairExecutor {
  static final long PASS_INTERVAL_MS = 200;
  static final long ORPHAN_GRACE_MS = 5_000;
  static final long COMMIT_RETRY_MS = 500;
  private static final Logger log = LoggerFactory.getLogger(RepairExecutor.class);

  private record Due(RepairRecord record, RepairStep step, boolean orphaned) {}

  private final MonitorStateMachine state;
  private final CommandSink raft;
  private final RepairActions actions;
  private final ScheduledExecutorService executor;
  private final LongSupplier clockMs;
  private final Set<String> running = new HashSet<>();
  private ScheduledFuture<?> passes;

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

  public void start() {
    executor.execute(() -> {
      if (passes == null) {
        passes = executor.scheduleWithFixedDelay(this::pass, 0, PASS_INTERVAL_MS, TimeUnit.MILLISECONDS);
      }
    });
  }

  /** Starts nothing new; attempts already running finish and report their result. */
  public void stop() {
    executor.execute(() -> {
      if (passes != null) {
        passes.cancel(false);
        passes = null;
      }
    });
  }

  private void pass() {
    long now = clockMs.getAsLong();
    for (Due due : dueNow(now)) {
      String target = due.record().getTargetId();
      running.add(target);
      if (due.orphaned()) {
        commitFinished(due.record(), false, "no result from the leader that started it", true)
            .whenCompleteAsync((done, error) -> running.remove(target), executor);
      } else {
        start(due.record(), due.step());
      }
    }
  }

  private List<Due> dueNow(long now) {
    return state.read(c -> {
      List<Due> out = new ArrayList<>();
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
          if (now >= r.getAttemptStartedMs() + step.getTimeoutMs() + ORPHAN_GRACE_MS) {
            out.add(new Due(r, step, true));
          }
        } else if (now >= r.getDueMs() && c.verdictOf(r.getTargetId()) == Verdict.VERDICT_DOWN) {
          out.add(new Due(r, step, false));
        }
      }
      return out;
    });
  }

  private void start(RepairRecord r, RepairStep step) {
    String target = r.getTargetId();
    Command started = Command.newBuilder().setRepairStarted(RepairAttemptStarted.newBuilder().setTargetId(target)
        .setLadderId(r.getLadderId()).setStep(r.getStep()).setAttempt(r.getAttempt())).build();
    raft.submit(started).whenCompleteAsync((reply, error) -> {
      if (error != null || !reply.getAccepted()) {
        running.remove(target); // not ours to run (taken, or no longer due): the next pass looks again
        return;
      }
      log.info("repair attempt started target={} ladder={} step={} attempt={}", target, r.getLadderId(),
          step.getName(), r.getAttempt());
      actions.run(step).whenCompleteAsync((result, failure) -> {
        boolean ok = failure == null && result.ok();
        String detail = failure != null ? failure.getClass().getSimpleName() : result.detail();
        log.info("repair attempt finished target={} ladder={} step={} attempt={} ok={} detail=\"{}\"", target,
            r.getLadderId(), step.getName(), r.getAttempt(), ok, detail);
        commitFinished(r, ok, detail, false).whenCompleteAsync((done, e) -> running.remove(target), executor);
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
