package dev.quorumwatch.node.alert;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.probe.FailureClass;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Delivered;
import dev.quorumwatch.proto.DeliveryFailed;
import dev.quorumwatch.proto.HandOver;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-only: delivers the replicated outbox, whatever the receivers' kinds. Per receiver,
 * one notification at a time in outbox order ({@link DueNotifications}), so a receiver sees
 * an incident's notifications in the order they were decided, and a slow receiver holds up
 * only its own lane. Before each send the leader confirms a majority still follows it; after
 * a delivery it commits {@code Delivered}, so a new leader resends only what may not have
 * arrived, with the same key. A failed attempt waits ({@link RetryDelay}), goes to the
 * receiver's fallback ({@link FallbackDue}, committed as {@code HandOver}), or is given up
 * after max_delivery_age. All state is confined to one executor thread.
 */
public final class NotificationDispatcher {
  private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
  public static final long RETRY_BASE_MS = 500;
  public static final long RETRY_MAX_MS = 30_000;
  /** A service asking for a longer pause than this is asked again after it. */
  public static final long RETRY_AFTER_MAX_MS = 10 * 60_000;
  static final long COMMIT_RETRY_MS = 500;
  static final long LEADERSHIP_RETRY_MS = 200;
  static final long DEFAULT_MAX_AGE_MS = 24L * 3600 * 1000;

  private final MonitorStateMachine state;
  private final RaftNode raft;
  private final Receivers receivers;
  private final ScheduledExecutorService executor;
  private final LongSupplier clockMs;
  private final RetryDelay retryDelay;
  private final Meter delivered;
  private final Meter failedAttempts;
  private final Meter givenUp;
  private final Meter handedOver;
  private final Timer sendLatency;
  /** The head of each receiver's queue as last tried, for `deliveries` (read from any thread). */
  private final Map<String, Attempt> attemptsByNotification = new ConcurrentHashMap<>();
  private final AtomicBoolean passQueued = new AtomicBoolean();

  private final Map<String, Lane> lanes = new HashMap<>();
  private final Set<String> awaitingCommit = new HashSet<>();
  private final List<String> toCommit = new ArrayList<>();
  /** Given up on or handed over: committed one command at a time, before deliveries. */
  private final List<Command> outcomes = new ArrayList<>();
  private boolean commitInFlight;
  private long maxAgeMs = DEFAULT_MAX_AGE_MS;
  private boolean active;
  private long generation;

  /** How delivering one notification has gone so far on this leader. */
  public record Attempt(int attempts, String lastError, long nextAttemptMs) {}

  /** Delivery progress for one receiver. */
  private static final class Lane {
    boolean inFlight;
    int attempts;
    long nextAttemptMs;
    boolean retryScheduled;
  }

  public NotificationDispatcher(MonitorStateMachine state, RaftNode raft, Receivers receivers,
      ScheduledExecutorService executor, LongSupplier clockMs, RetryDelay retryDelay, MetricRegistry metrics) {
    this.state = state;
    this.raft = raft;
    this.receivers = receivers;
    this.executor = executor;
    this.clockMs = clockMs;
    this.retryDelay = retryDelay;
    this.delivered = metrics.meter("quorumwatch.deliveries.ok");
    this.failedAttempts = metrics.meter("quorumwatch.deliveries.failed_attempts");
    this.givenUp = metrics.meter("quorumwatch.deliveries.given_up");
    this.handedOver = metrics.meter("quorumwatch.deliveries.handed_over");
    this.sendLatency = metrics.timer("quorumwatch.deliveries.latency_seconds");
  }

  public void start() {
    executor.execute(() -> {
      active = true;
      generation++;
      pass();
    });
  }

  public void stop() {
    executor.execute(() -> {
      active = false;
      generation++;
      lanes.clear();
      attemptsByNotification.clear();
      awaitingCommit.clear();
      toCommit.clear();
      outcomes.clear();
    });
  }

  /** Something may be due: look at the outbox again (coalesced). */
  public void wake() {
    if (passQueued.compareAndSet(false, true)) {
      executor.execute(() -> {
        passQueued.set(false);
        pass();
      });
    }
  }

  private void pass() {
    if (!active) {
      return;
    }
    record Work(List<Notification> pending, Map<String, ReceiverSpec> receivers, long maxAgeMs) {}
    Work work = state.read(c -> {
      Map<String, ReceiverSpec> specs = new LinkedHashMap<>();
      c.monitors().getReceiversList().forEach(r -> specs.put(r.getId(), r));
      long maxAge = c.monitors().getMaxDeliveryAgeMs();
      return new Work(List.copyOf(c.pendingNotifications()), specs, maxAge > 0 ? maxAge : DEFAULT_MAX_AGE_MS);
    });
    Set<String> pendingIds = new HashSet<>();
    work.pending().forEach(n -> pendingIds.add(n.getId()));
    Map<String, Notification> heads = DueNotifications.heads(work.pending(), awaitingCommit);
    awaitingCommit.retainAll(pendingIds);
    attemptsByNotification.keySet().retainAll(pendingIds);
    maxAgeMs = work.maxAgeMs();
    long now = clockMs.getAsLong();
    for (Notification head : heads.values()) {
      ReceiverSpec receiver = work.receivers().get(head.getReceiverId());
      if (receiver == null) {
        log.warn("notification dropped: receiver removed id={} receiver={}", head.getId(), head.getReceiverId());
        confirmDelivered(head.getId());
        continue;
      }
      Lane lane = lanes.computeIfAbsent(receiver.getId(), r -> new Lane());
      if (lane.inFlight) {
        continue;
      }
      if (now < lane.nextAttemptMs) {
        scheduleRetry(lane, lane.nextAttemptMs - now);
        continue;
      }
      send(lane, head, receiver);
    }
  }

  private CompletableFuture<Delivery> attempt(Notification n, ReceiverSpec receiver) {
    Timer.Context timing = sendLatency.time();
    return receivers.send(receiver, n).whenComplete((d, e) -> timing.stop());
  }

  private void send(Lane lane, Notification n, ReceiverSpec receiver) {
    lane.inFlight = true;
    long sentInGeneration = generation;
    raft.confirmLeadership()
        .thenCompose(leading -> leading ? attempt(n, receiver) : CompletableFuture.completedFuture((Delivery) null))
        .whenCompleteAsync((delivery, error) -> {
          if (generation != sentInGeneration) {
            return; // leadership changed meanwhile; the lane is gone
          }
          lane.inFlight = false;
          if (error == null && delivery == null) {
            // Not confirmed as leader: if leadership is really gone the watcher stops us and
            // the next leader delivers; if the check only timed out, try again shortly.
            scheduleRetry(lane, LEADERSHIP_RETRY_MS);
            return;
          }
          if (error == null && delivery.delivered()) {
            delivered.mark();
            log.info("notification delivered id={} receiver={} status={} attempts={} outcome=\"{}\"", n.getId(),
                receiver.getId(), n.getStatus(), lane.attempts + 1, delivery.outcome());
            resetLane(lane);
            confirmDelivered(n.getId());
            pass();
            return;
          }
          failed(lane, n, receiver, error != null ? FailureClass.describe(error) : delivery.outcome(),
              error != null ? 0 : delivery.retryAfterMs());
        }, executor);
  }

  private void failed(Lane lane, Notification n, ReceiverSpec receiver, String why, long askedMs) {
    lane.attempts++;
    failedAttempts.mark();
    long now = clockMs.getAsLong();
    if (FallbackDue.isDue(n, receiver, now)) {
      handedOver.mark();
      log.warn("notification handed over id={} receiver={} fallback={} attempts={} error=\"{}\"", n.getId(),
          receiver.getId(), receiver.getFallback(), lane.attempts, why);
      settle(n.getId(), Command.newBuilder().setHandOver(HandOver.newBuilder().addNotificationIds(n.getId())
          .setLastError(why).setAttempts(lane.attempts)).build());
      resetLane(lane);
      return;
    }
    if (now - n.getCreatedMs() > maxAgeMs) {
      givenUp.mark();
      log.warn("delivery given up id={} receiver={} attempts={} error=\"{}\" max_delivery_age_ms={}", n.getId(),
          receiver.getId(), lane.attempts, why, maxAgeMs);
      settle(n.getId(), Command.newBuilder().setDeliveryFailed(DeliveryFailed.newBuilder()
          .addNotificationIds(n.getId()).setLastError(why).setAttempts(lane.attempts)).build());
      resetLane(lane);
      return;
    }
    long delayMs = retryDelay.delayMs(lane.attempts, askedMs);
    lane.nextAttemptMs = now + delayMs;
    attemptsByNotification.put(n.getId(), new Attempt(lane.attempts, why, lane.nextAttemptMs));
    log.warn("delivery failed id={} receiver={} attempt={} error=\"{}\" retry_in_ms={}{}", n.getId(),
        receiver.getId(), lane.attempts, why, delayMs, askedMs > 0 ? " (as the receiver asked)" : "");
    scheduleRetry(lane, delayMs);
  }

  private static void resetLane(Lane lane) {
    lane.attempts = 0;
    lane.nextAttemptMs = 0;
  }

  private void confirmDelivered(String id) {
    awaitingCommit.add(id);
    attemptsByNotification.remove(id);
    toCommit.add(id);
    commitOutcomes();
  }

  private void settle(String id, Command outcome) {
    awaitingCommit.add(id);
    attemptsByNotification.remove(id);
    outcomes.add(outcome);
    commitOutcomes();
  }

  /** Commits what was delivered, given up on or handed over, one command at a time. */
  private void commitOutcomes() {
    if (commitInFlight || (toCommit.isEmpty() && outcomes.isEmpty()) || !active) {
      return;
    }
    Command command;
    Runnable requeue;
    if (!outcomes.isEmpty()) {
      command = outcomes.remove(0);
      requeue = () -> outcomes.add(0, command);
    } else {
      List<String> batch = List.copyOf(toCommit);
      toCommit.clear();
      command = Command.newBuilder().setDelivered(Delivered.newBuilder().addAllNotificationIds(batch)).build();
      requeue = () -> toCommit.addAll(0, batch);
    }
    commitInFlight = true;
    long committedInGeneration = generation;
    raft.submit(command).whenCompleteAsync((reply, error) -> {
      commitInFlight = false;
      if (generation != committedInGeneration) {
        return;
      }
      if (error != null) {
        requeue.run();
        executor.schedule(this::commitOutcomes, COMMIT_RETRY_MS, TimeUnit.MILLISECONDS);
        return;
      }
      commitOutcomes();
      pass();
    }, executor);
  }

  /** Attempts so far for notifications that failed at least once on this leader. */
  public Map<String, Attempt> attempts() {
    return Map.copyOf(attemptsByNotification);
  }

  private void scheduleRetry(Lane lane, long delayMs) {
    if (lane.retryScheduled) {
      return;
    }
    lane.retryScheduled = true;
    executor.schedule(() -> {
      lane.retryScheduled = false;
      pass();
    }, delayMs, TimeUnit.MILLISECONDS);
  }
}
