package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.TargetSpec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A TCP connect: up when the handshake completes within the timeout. */
final class TcpProber implements Prober {
  /** The connection is closed as soon as it is made; nothing is read. */
  @ChannelHandler.Sharable
  private static final class ConnectOnly extends ChannelInboundHandlerAdapter {}

  private final Bootstrap bootstrap;

  TcpProber(Bootstrap template) {
    this.bootstrap = template.clone().handler(new ConnectOnly());
  }

  @Override
  public CompletableFuture<ProbeResult> probe(TargetSpec target) {
    long startNs = System.nanoTime();
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    ChannelFuture connect = bootstrap.clone()
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) target.getTimeoutMs())
        .connect(target.getTcp().getHost(), target.getTcp().getPort());
    connect.addListener(f -> {
      long latencyMs = (System.nanoTime() - startNs) / 1_000_000;
      if (f.isSuccess()) {
        result.complete(ProbeResult.success(latencyMs));
        connect.channel().close();
      } else {
        result.complete(ProbeResult.failure(FailureClass.of(f.cause()), FailureClass.describe(f.cause()), latencyMs));
      }
    });
    bootstrap.config().group().next().schedule(() -> {
      if (result.complete(ProbeResult.failure(FailureClass.TIMEOUT, "no connection within " + target.getTimeoutMs() + "ms",
          target.getTimeoutMs()))) {
        connect.channel().close();
      }
    }, target.getTimeoutMs(), TimeUnit.MILLISECONDS);
    return result;
  }
}
