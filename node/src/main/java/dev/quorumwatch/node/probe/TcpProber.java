package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.TargetSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A TCP connect: up when the handshake completes within the timeout. */
public final class TcpProber implements Prober {
  @Override
  public CompletableFuture<ProbeResult> probe(TargetSpec target) {
    long startNs = System.nanoTime();
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      return CompletableFuture.completedFuture(ProbeResult.failure(FailureClass.ERROR, e.getMessage(), 0));
    }
    try {
      InetSocketAddress address = new InetSocketAddress(target.getTcp().getHost(), target.getTcp().getPort());
      channel.connect(address, null, new CompletionHandler<Void, Void>() {
        @Override
        public void completed(Void ignored, Void attachment) {
          result.complete(ProbeResult.success((System.nanoTime() - startNs) / 1_000_000));
        }

        @Override
        public void failed(Throwable error, Void attachment) {
          result.complete(ProbeResult.failure(FailureClass.of(error), FailureClass.describe(error),
              (System.nanoTime() - startNs) / 1_000_000));
        }
      });
    } catch (RuntimeException e) {
      result.complete(ProbeResult.failure(FailureClass.of(e), FailureClass.describe(e), 0));
    }
    return result
        .completeOnTimeout(ProbeResult.failure(FailureClass.TIMEOUT,
            "no connection within " + target.getTimeoutMs() + "ms",
            target.getTimeoutMs()), target.getTimeoutMs(), TimeUnit.MILLISECONDS)
        .whenComplete((r, e) -> closeQuietly(channel));
  }

  private static void closeQuietly(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the probe's outcome is already decided
    }
  }
}
