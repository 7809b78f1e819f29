package dev.quorumwatch.harness.faults;

import java.util.concurrent.TimeUnit;

/**
 * Notices when the machine itself could not keep up: a thread that asks to wake every
 * {@link #TICK_MS} and records, in the {@link ChaosLog}, every wake-up at least
 * {@link #STALL_MS} late. Every node, the simulated targets and the receiver of a run share
 * one machine; when its cores are saturated (a build or a benchmark beside the run), probes
 * time out for real and nodes miss their election timeouts, which no region would see of a
 * network that is merely slow. The checker names such stalls next to the violations they can
 * explain, so a reader can tell load from a broken promise; it still counts them.
 */
public final class MachineStalls implements AutoCloseable {
  static final long TICK_MS = 50;
  /** Late enough to push a probe answer toward its timeout or a heartbeat toward an election. */
  public static final long STALL_MS = 300;

  private final ChaosLog log;
  private final Thread watcher;
  private volatile boolean watching = true;

  MachineStalls(ChaosLog log) {
    this.log = log;
    this.watcher = new Thread(this::watch, "qw-chaos-stall-watcher");
    this.watcher.setDaemon(true);
  }

  void start() {
    watcher.start();
  }

  private void watch() {
    long last = System.nanoTime();
    while (watching) {
      try {
        Thread.sleep(TICK_MS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      observe(TimeUnit.NANOSECONDS.toMillis(now - last), System.currentTimeMillis());
      last = now;
    }
  }

  /** One wake-up {@code sleptMs} after the last, at wall-clock {@code wokeAtMs}. */
  void observe(long sleptMs, long wokeAtMs) {
    long lateMs = sleptMs - TICK_MS;
    if (lateMs >= STALL_MS) {
      log.stall(wokeAtMs - lateMs, wokeAtMs);
    }
  }

  @Override
  public void close() {
    watching = false;
    watcher.interrupt();
  }
}
