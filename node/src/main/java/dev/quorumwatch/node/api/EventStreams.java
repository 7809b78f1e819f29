package dev.quorumwatch.node.api;

import dev.quorumwatch.node.auth.TokenAuthInterceptor;
import dev.quorumwatch.proto.Event;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCallStreamObserver;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Serves the event streams (watch, watch-services): a bounded number at once
 * ({@link WatchLimits}), and each sent only as fast as its client reads (gRPC flow control:
 * nothing is handed to gRPC while the client's window is full, so nothing piles up in gRPC's
 * buffers). Meanwhile events wait in the stream's bounded queue; a client that falls
 * {@link EventHub#QUEUE_MAX} behind is told to reconnect.
 */
final class EventStreams {
  /** What a stream sends: first what it starts with, then its share of each applied event. */
  interface Feed<T> {
    void start(Sink<T> sink) throws InterruptedException;

    void onEvent(Event e, Sink<T> sink) throws InterruptedException;
  }

  /** Sends one message once the client can take it; false when the stream is over. */
  interface Sink<T> {
    boolean send(T message) throws InterruptedException;
  }

  private final EventHub hub;
  private final ExecutorService threads;
  private final WatchLimits limits = new WatchLimits();

  EventStreams(EventHub hub, ExecutorService threads) {
    this.hub = hub;
    this.threads = threads;
  }

  <T> void serve(ServerCallStreamObserver<T> call, Feed<T> feed) {
    String token = Optional.ofNullable(TokenAuthInterceptor.TOKEN_NAME.get()).orElse("");
    Optional<String> refused = limits.take(token);
    if (refused.isPresent()) {
      call.onError(Status.RESOURCE_EXHAUSTED.withDescription(refused.get()).asRuntimeException());
      return;
    }
    EventHub.Subscription subscription = hub.subscribe();
    Semaphore ready = new Semaphore(0);
    call.setOnReadyHandler(ready::release);
    call.setOnCancelHandler(() -> {
      subscription.close();
      ready.release();
    });
    Sink<T> sink = message -> {
      while (!call.isReady()) {
        if (call.isCancelled() || subscription.overflowed()) {
          return false;
        }
        ready.tryAcquire(1, TimeUnit.SECONDS);
      }
      call.onNext(message);
      return true;
    };
    threads.execute(() -> {
      try {
        feed.start(sink);
        while (!call.isCancelled()) {
          Event e = subscription.queue().poll(1, TimeUnit.SECONDS);
          if (subscription.overflowed()) {
            call.onError(Status.RESOURCE_EXHAUSTED.withDescription("watcher too slow; reconnect").asRuntimeException());
            return;
          }
          if (e != null) {
            feed.onEvent(e, sink);
          }
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        call.onError(Status.UNAVAILABLE.withDescription("node stopping").asRuntimeException());
      } catch (RuntimeException ignored) {
        // the client went away
      } finally {
        subscription.close();
        limits.release(token);
      }
    });
  }
}
