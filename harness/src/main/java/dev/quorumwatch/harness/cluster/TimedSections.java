package dev.quorumwatch.harness.cluster;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a test's timed measurement apart from node JVM starts in other tests of the same JVM.
 * Cluster test classes run in two lanes on a 2-core machine, and a node's first seconds
 * (class loading, compiling, its first election) take most of both cores: a page timed while
 * another class started its cluster came late by that start's CPU, not by the product
 * (3,189 ms against a 3,000 ms budget, beside a cluster start). So a start waits while a
 * timed section runs, and a timed section first waits until no node started for
 * {@link #START_BUSY_MS}. Both waits are bounded; a start made by a timed section's own
 * thread (a measured restart) never waits.
 */
public final class TimedSections {
  /** How long a node start keeps the machine busy, about: JVM start to a first election. */
  static final long START_BUSY_MS = 4_000;
  /** No wait here is longer: past it, measure anyway (and maybe fail) rather than hang. */
  static final long WAIT_LIMIT_MS = 60_000;

  private static final Object LOCK = new Object();
  private static final Set<Thread> timing = new HashSet<>();
  private static long lastStartNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(START_BUSY_MS);

  private TimedSections() {}

  /** Runs {@code section} with no node starting from other threads, after the last start settled. */
  public static <T> T timed(Callable<T> section) throws Exception {
    enter();
    try {
      return section.call();
    } finally {
      synchronized (LOCK) {
        timing.remove(Thread.currentThread());
        LOCK.notifyAll();
      }
    }
  }

  /** {@link #timed(Callable)} for a section with nothing to return. */
  public static void timed(TimedRunnable section) throws Exception {
    timed(() -> {
      section.run();
      return null;
    });
  }

  /** A timed section that returns nothing and may throw. */
  @FunctionalInterface
  public interface TimedRunnable {
    void run() throws Exception;
  }

  private static void enter() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_LIMIT_MS);
    synchronized (LOCK) {
      timing.add(Thread.currentThread()); // from now on, other threads' starts wait
      long settled;
      while ((settled = lastStartNanos + TimeUnit.MILLISECONDS.toNanos(START_BUSY_MS)) > System.nanoTime()
          && System.nanoTime() < deadline) {
        TimeUnit.NANOSECONDS.timedWait(LOCK, Math.min(settled, deadline) - System.nanoTime());
      }
    }
  }

  /** Called before a node process starts. */
  static void beforeStart() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_LIMIT_MS);
    synchronized (LOCK) {
      Thread self = Thread.currentThread();
      while (!timing.isEmpty() && !timing.contains(self) && System.nanoTime() < deadline) {
        TimeUnit.NANOSECONDS.timedWait(LOCK, deadline - System.nanoTime());
      }
      lastStartNanos = System.nanoTime();
    }
  }
}
