package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.TcpProbe;
import org.apache.ratis.thirdparty.io.netty.bootstrap.Bootstrap;
import org.apache.ratis.thirdparty.io.netty.buffer.ByteBuf;
import org.apache.ratis.thirdparty.io.netty.buffer.Unpooled;
import org.apache.ratis.thirdparty.io.netty.channel.Channel;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelFuture;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelHandlerContext;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelInitializer;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelOption;
import org.apache.ratis.thirdparty.io.netty.util.AttributeKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connect: up when the handshake completes within the timeout. With {@code send} the
 * bytes are written once connected; with {@code expect} the probe is up only once what the
 * server sends back contains them (a Redis {@code PING}/{@code +PONG}, an SMTP banner).
 */
final class TcpProber implements Prober {
  static final int READ_MAX_BYTES = 64 * 1024;
  private static final AttributeKey<Conversation> CONVERSATION = AttributeKey.valueOf("qw.tcp");

  /** One probe's exchange of bytes. */
  private static final class Conversation {
    final CompletableFuture<ProbeResult> result;
    final TcpProbe spec;
    final long startNs;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();

    Conversation(CompletableFuture<ProbeResult> result, TcpProbe spec, long startNs) {
      this.result = result;
      this.spec = spec;
      this.startNs = startNs;
    }

    long latencyMs() {
      return (System.nanoTime() - startNs) / 1_000_000;
    }
  }

  private final Bootstrap bootstrap;

  TcpProber(Bootstrap template) {
    this.bootstrap = template.clone().handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new Reader());
      }
    });
  }

  @Override
  public CompletableFuture<ProbeResult> probe(TargetSpec target) {
    long startNs = System.nanoTime();
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    TcpProbe spec = target.getTcp();
    Conversation conversation = new Conversation(result, spec, startNs);
    ChannelFuture connect = bootstrap.clone()
        .attr(CONVERSATION, conversation)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) target.getTimeoutMs())
        .connect(spec.getHost(), spec.getPort());
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        result.complete(ProbeResult.failure(FailureClass.of(f.cause()), FailureClass.describe(f.cause()),
            conversation.latencyMs()));
        return;
      }
      if (!spec.getSend().isEmpty()) {
        connect.channel().writeAndFlush(Unpooled.copiedBuffer(spec.getSend(), StandardCharsets.UTF_8));
      }
      if (spec.getExpect().isEmpty()) {
        result.complete(ProbeResult.success(conversation.latencyMs()));
        connect.channel().close();
      }
    });
    bootstrap.config().group().next().schedule(() -> {
      String what = connect.isSuccess() ? "'" + spec.getExpect() + "' not received" : "no connection";
      if (result.complete(ProbeResult.failure(FailureClass.TIMEOUT, what + " within " + target.getTimeoutMs() + " ms",
          target.getTimeoutMs()))) {
        connect.channel().close();
      }
    }, target.getTimeoutMs(), TimeUnit.MILLISECONDS);
    return result;
  }

  /** Collects what the server sends until the expected bytes appear. */
  private static final class Reader extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      try {
        Conversation c = ctx.channel().attr(CONVERSATION).get();
        if (c == null || c.spec.getExpect().isEmpty() || c.result.isDone()) {
          return;
        }
        int take = Math.min(bytes.readableBytes(), READ_MAX_BYTES - c.received.size());
        byte[] chunk = new byte[Math.max(0, take)];
        bytes.readBytes(chunk);
        c.received.write(chunk, 0, chunk.length);
        if (c.received.toString(StandardCharsets.UTF_8).contains(c.spec.getExpect())) {
          c.result.complete(ProbeResult.success(c.latencyMs()));
          ctx.close();
        } else if (c.received.size() >= READ_MAX_BYTES) {
          mismatch(ctx, c);
        }
      } finally {
        bytes.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Conversation c = ctx.channel().attr(CONVERSATION).get();
      if (c != null && !c.spec.getExpect().isEmpty()) {
        mismatch(ctx, c);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Conversation c = ctx.channel().attr(CONVERSATION).get();
      if (c != null) {
        c.result.complete(ProbeResult.failure(FailureClass.of(cause), FailureClass.describe(cause), c.latencyMs()));
      }
      ctx.close();
    }

    private static void mismatch(ChannelHandlerContext ctx, Conversation c) {
      String got = c.received.toString(StandardCharsets.UTF_8);
      c.result.complete(ProbeResult.failure(FailureClass.BODY_MISMATCH, "expected '" + c.spec.getExpect() + "', got '"
          + (got.length() > 40 ? got.substring(0, 40) + "..." : got) + "'", c.latencyMs()));
      ctx.close();
    }
  }
}
