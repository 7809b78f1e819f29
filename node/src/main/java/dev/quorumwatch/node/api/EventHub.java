package dev.quorumwatch.node.api;

import dev.quorumwatch.proto.Event;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fans applied events out to watchers. Each watcher has a bounded queue: a watcher that
 * cannot keep up is disconnected rather than slowing the state machine or growing memory.
 */
public final class EventHub {
  static final int QUEUE_MAX = 10_000;

  /** One watcher's queue; {@code overflowed} tells it to reconnect. */
  public static final class Subscription implements AutoCloseable {
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
    private final EventHub hub;
    private volatile boolean overflowed;

    private Subscription(EventHub hub) {
      this.hub = hub;
    }

    public BlockingQueue<Event> queue() {
      return queue;
    }

    public boolean overflowed() {
      return overflowed;
    }

    @Override
    public void close() {
      hub.subscriptions.remove(this);
    }
  }

  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  public Subscription subscribe() {
    Subscription s = new Subscription(this);
    subscriptions.add(s);
    return s;
  }

  public void publish(List<Event> events) {
    for (Subscription s : subscriptions) {
      for (Event e : events) {
        if (!s.queue.offer(e)) {
          s.overflowed = true;
          s.close();
          break;
        }
      }
    }
  }
}
