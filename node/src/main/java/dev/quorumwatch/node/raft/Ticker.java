package dev.quorumwatch.node.raft;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Tick;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Leader-only: keeps the state clock moving so time-based rules (staleness) advance. Every
 * committed command carries the leader's time, so a Tick is written only when nothing else
 * was applied during the last interval: a cluster busy with heartbeats needs none.
 */
public final class Ticker {
  private final CommandSink sink;
  private final LongSupplier appliedIndex;
  private final ScheduledExecutorService timer;
  private final long intervalMs;
  private ScheduledFuture<?> task;
  private long indexAtLastCheck = -1;

  public Ticker(CommandSink sink, LongSupplier appliedIndex, ScheduledExecutorService timer, long intervalMs) {
    this.sink = sink;
    this.appliedIndex = appliedIndex;
    this.timer = timer;
    this.intervalMs = intervalMs;
  }

  public synchronized void start() {
    indexAtLastCheck = -1;
    task = timer.scheduleAtFixedRate(this::maybeTick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void maybeTick() {
    long index = appliedIndex.getAsLong();
    boolean idle;
    synchronized (this) {
      idle = index == indexAtLastCheck;
      indexAtLastCheck = index;
    }
    if (idle) {
      sink.submit(Command.newBuilder().setTick(Tick.getDefaultInstance()).build());
    }
  }

  public synchronized void stop() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }
}
