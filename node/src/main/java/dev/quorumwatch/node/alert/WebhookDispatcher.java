package dev.quorumwatch.node.alert;

import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;
import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.probe.FailureClass;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Delivered;
import dev.quorumwatch.proto.DeliveryFailed;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.WebhookSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-only: delivers the replicated outbox. Per receiver, one notification at a time in
 * outbox order, so a receiver sees an incident's notifications in the order they were
 * decided. Before each POST the leader confirms a majority still follows it; after a 2xx
 * it commits {@code Delivered}, so a new leader resends only what may not have arrived,
 * with the same {@code Idempotency-Key}. All state is confined to one executor thread.
 */
public final class WebhookDispatcher {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  public static final long RETRY_BASE_MS = 500;
  public static final long RETRY_MAX_MS = 30_000;
  static final long COMMIT_RETRY_MS = 500;
  static final long LEADERSHIP_RETRY_MS = 200;
  static final long DEFAULT_MAX_AGE_MS = 24L * 3600 * 1000;
  /** Which node sent a notification: for receivers' logs, and for the fault-injection checker. */
  public static final String SENDER_HEADER = "X-QuorumWatch-Node";

  private final MonitorStateMachine state;
  private final RaftNode raft;
  private final WebhookSender sender;
  private final ScheduledExecutorService executor;
  private final LongSupplier clockMs;
  private final Backoff backoff;
  private final Function<String, String> secrets;
  private final Set<String> unsignedWarned = ConcurrentHashMap.newKeySet();
  private final String externalUrl;
  private final Meter delivered;
  private final Meter failedAttempts;
  private final Meter givenUp;
  private final Timer postLatency;
  /** The head of each receiver's queue as last tried, for `deliveries` (read from any thread). */
  private final Map<String, Attempt> attemptsByNotification = new ConcurrentHashMap<>();
  private final AtomicBoolean passQueued = new AtomicBoolean();

  private final Map<String, Lane> lanes = new HashMap<>();
  private final Set<String> awaitingCommit = new HashSet<>();
  private final List<String> toCommit = new ArrayList<>();
  private final List<Command> toGiveUp = new ArrayList<>();
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

  public WebhookDispatcher(MonitorStateMachine state, RaftNode raft, WebhookSender sender,
      ScheduledExecutorService executor, LongSupplier clockMs, Backoff backoff,
      Function<String, String> secrets, String externalUrl, MetricRegistry metrics) {
    this.state = state;
    this.raft = raft;
    this.sender = sender;
    this.executor = executor;
    this.clockMs = clockMs;
    this.backoff = backoff;
    this.secrets = secrets;
    this.externalUrl = externalUrl;
    this.delivered = metrics.meter("quorumwatch.deliveries.ok");
    this.failedAttempts = metrics.meter("quorumwatch.deliveries.failed_attempts");
    this.givenUp = metrics.meter("quorumwatch.deliveries.given_up");
    this.postLatency = metrics.timer("quorumwatch.deliveries.latency_seconds");
  }

  public void start() {
    executor.execute(() -> {
      active = true;
      generation++;
      unsignedWarned.clear();
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
      toGiveUp.clear();
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
      Map<String, ReceiverSpec> receivers = new LinkedHashMap<>();
      c.monitors().getReceiversList().forEach(r -> receivers.put(r.getId(), r));
      long maxAge = c.monitors().getMaxDeliveryAgeMs();
      return new Work(List.copyOf(c.pendingNotifications()), receivers, maxAge > 0 ? maxAge : DEFAULT_MAX_AGE_MS);
    });
    Set<String> pendingIds = new HashSet<>();
    Set<String> groupsAwaitingCommit = new HashSet<>();
    for (Notification n : work.pending()) {
      pendingIds.add(n.getId());
      if (awaitingCommit.contains(n.getId())) {
        groupsAwaitingCommit.add(n.getReceiverId() + "/" + n.getGroupId());
      }
    }
    // A receiver's next notification waits while an earlier one of the same group is
    // delivered but not yet committed as such: if this leader died now, the next would resend
    // only what it cannot know arrived, never an old firing after a newer resolved.
    Map<String, Notification> headByReceiver = new LinkedHashMap<>();
    Set<String> waitingReceivers = new HashSet<>();
    for (Notification n : work.pending()) {
      String receiverId = n.getReceiverId();
      if (awaitingCommit.contains(n.getId()) || headByReceiver.containsKey(receiverId)
          || waitingReceivers.contains(receiverId)) {
        continue;
      }
      if (groupsAwaitingCommit.contains(receiverId + "/" + n.getGroupId())) {
        waitingReceivers.add(receiverId);
      } else {
        headByReceiver.put(receiverId, n);
      }
    }
    awaitingCommit.retainAll(pendingIds);
    attemptsByNotification.keySet().retainAll(pendingIds);
    maxAgeMs = work.maxAgeMs();
    long now = clockMs.getAsLong();
    for (Notification head : headByReceiver.values()) {
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

  /** The POST's duration, answered or not, as {@code quorumwatch.deliveries.latency_seconds}. */
  private CompletableFuture<Integer> timed(CompletableFuture<Integer> post) {
    Timer.Context timing = postLatency.time();
    return post.whenComplete((status, error) -> timing.stop());
  }

  /**
   * The receiver's HMAC secret, from this node's environment or a file on it. Missing, the
   * notification goes unsigned (the receiver decides whether to accept it), with a warning
   * once per receiver and leadership that names the variable or file, never a value.
   */
  private Optional<String> signingSecret(ReceiverSpec receiver) {
    WebhookSpec hook = receiver.getWebhook();
    String secret = null;
    String source = "";
    if (!hook.getSecretEnv().isEmpty()) {
      source = "environment variable " + hook.getSecretEnv();
      secret = secrets.apply(hook.getSecretEnv());
    } else if (!hook.getSecretFile().isEmpty()) {
      source = "file " + hook.getSecretFile();
      try {
        secret = Secrets.file(hook.getSecretFile());
      } catch (IllegalArgumentException unreadable) {
        // warned below, like an unset variable
      }
    }
    if (secret != null && !secret.isEmpty()) {
      return Optional.of(secret);
    }
    if (!source.isEmpty() && unsignedWarned.add(receiver.getId())) {
      log.warn("webhook sent unsigned node={} receiver={} reason=\"{} is unset, empty or unreadable on this node\"",
          raft.selfId(), receiver.getId(), source);
    }
    return Optional.empty();
  }

  private void send(Lane lane, Notification n, ReceiverSpec receiver) {
    lane.inFlight = true;
    long sentInGeneration = generation;
    byte[] body = AlertPayload.render(n, externalUrl);
    Map<String, String> headers = new HashMap<>();
    headers.put("Idempotency-Key", n.getId());
    headers.put(SENDER_HEADER, raft.selfId());
    signingSecret(receiver).ifPresent(secret ->
        headers.put(WebhookSigner.HEADER, WebhookSigner.sign(secret, clockMs.getAsLong() / 1000, body)));
    raft.confirmLeadership()
        .thenCompose(leading -> leading
            ? timed(sender.post(receiver.getWebhook().getUrl(), body, headers))
            : CompletableFuture.completedFuture(-1))
        .whenCompleteAsync((status, error) -> {
          if (generation != sentInGeneration) {
            return; // leadership changed meanwhile; the lane is gone
          }
          lane.inFlight = false;
          if (error == null && status == -1) {
            // Not confirmed as leader: if leadership is really gone the watcher stops us and
            // the next leader delivers; if the check only timed out, try again shortly.
            scheduleRetry(lane, LEADERSHIP_RETRY_MS);
            return;
          }
          if (error == null && status >= 200 && status < 300) {
            delivered.mark();
            log.info("notification delivered id={} receiver={} status={} attempts={}", n.getId(),
                receiver.getId(), n.getStatus(), lane.attempts + 1);
            lane.attempts = 0;
            lane.nextAttemptMs = 0;
            confirmDelivered(n.getId());
            pass();
            return;
          }
          lane.attempts++;
          failedAttempts.mark();
          String why = error != null ? FailureClass.describe(error) : "HTTP " + status;
          if (clockMs.getAsLong() - n.getCreatedMs() > maxAgeMs) {
            givenUp.mark();
            log.warn("delivery given up id={} receiver={} attempts={} error=\"{}\" max_delivery_age_ms={}", n.getId(),
                receiver.getId(), lane.attempts, why, maxAgeMs);
            giveUp(n.getId(), why, lane.attempts);
            lane.attempts = 0;
            lane.nextAttemptMs = 0;
            return;
          }
          long delayMs = backoff.delayMs(lane.attempts);
          lane.nextAttemptMs = clockMs.getAsLong() + delayMs;
          attemptsByNotification.put(n.getId(), new Attempt(lane.attempts, why, lane.nextAttemptMs));
          log.warn("delivery failed id={} receiver={} attempt={} error=\"{}\" retry_in_ms={}", n.getId(),
              receiver.getId(), lane.attempts, why, delayMs);
          scheduleRetry(lane, delayMs);
        }, executor);
  }

  private void confirmDelivered(String id) {
    awaitingCommit.add(id);
    attemptsByNotification.remove(id);
    toCommit.add(id);
    commitOutcomes();
  }

  private void giveUp(String id, String why, int attempts) {
    awaitingCommit.add(id);
    attemptsByNotification.remove(id);
    toGiveUp.add(Command.newBuilder().setDeliveryFailed(DeliveryFailed.newBuilder()
        .addNotificationIds(id).setLastError(why).setAttempts(attempts)).build());
    commitOutcomes();
  }

  /** Commits what was delivered (and what was given up on), one command at a time. */
  private void commitOutcomes() {
    if (commitInFlight || (toCommit.isEmpty() && toGiveUp.isEmpty()) || !active) {
      return;
    }
    Command command;
    Runnable requeue;
    if (!toGiveUp.isEmpty()) {
      command = toGiveUp.remove(0);
      requeue = () -> toGiveUp.add(0, command);
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
