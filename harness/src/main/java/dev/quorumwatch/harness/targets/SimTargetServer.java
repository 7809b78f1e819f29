package dev.quorumwatch.harness.targets;

import org.apache.ratis.thirdparty.io.netty.bootstrap.ServerBootstrap;
import org.apache.ratis.thirdparty.io.netty.channel.Channel;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelFutureListener;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelHandlerContext;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelInitializer;
import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.channel.SimpleChannelInboundHandler;
import org.apache.ratis.thirdparty.io.netty.channel.nio.NioEventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.channel.socket.SocketChannel;
import org.apache.ratis.thirdparty.io.netty.channel.socket.nio.NioServerSocketChannel;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.DefaultFullHttpResponse;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.FullHttpResponse;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpObjectAggregator;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpRequest;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpServerCodec;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpUtil;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The benchmark's targets: one Netty HTTP server on loopback with {@code count} endpoints
 * ({@code /t/0} ... ) whose state the harness flips: up (200), down (503) or slow (200
 * after a delay). Keep-alive, so it costs the probers what a real service would.
 */
public final class SimTargetServer implements AutoCloseable {
  public enum State { UP, DOWN, SLOW }

  private final AtomicIntegerArray states;
  private final long slowDelayMs;
  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel channel;
  private final Map<Integer, Set<String>> downOnlyFor = new ConcurrentHashMap<>();

  public SimTargetServer(int count, long slowDelayMs) throws InterruptedException {
    this.states = new AtomicIntegerArray(count);
    this.slowDelayMs = slowDelayMs;
    channel = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096), new Handler());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .sync()
        .channel();
  }

  private final class Handler extends SimpleChannelInboundHandler<HttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
      State state = stateOf(request.uri());
      if (state == State.UP && !downOnlyFor.isEmpty() && downFor(request)) {
        state = State.DOWN;
      }
      HttpResponseStatus status = state == State.DOWN ? HttpResponseStatus.SERVICE_UNAVAILABLE
          : state == null ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.OK;
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      Runnable send = () -> {
        if (keepAlive) {
          ctx.writeAndFlush(response);
        } else {
          ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
      };
      if (state == State.SLOW) {
        ctx.executor().schedule(send, slowDelayMs, TimeUnit.MILLISECONDS);
      } else {
        send.run();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a killed node resets its connections: expected in a chaos run, nothing to report
    }
  }

  /** Whether the endpoint is down for the node that sent this probe (named in its User-Agent). */
  private boolean downFor(HttpRequest request) {
    Set<String> nodes = downOnlyFor.get(endpointOf(request.uri()));
    if (nodes == null) {
      return false;
    }
    String ua = String.valueOf(request.headers().get(HttpHeaderNames.USER_AGENT));
    int at = ua.indexOf("node=");
    if (at < 0) {
      return false;
    }
    int end = ua.indexOf(';', at);
    return nodes.contains(ua.substring(at + 5, end < 0 ? ua.length() : end));
  }

  private static int endpointOf(String uri) {
    try {
      return uri.startsWith("/t/") ? Integer.parseInt(uri.substring(3)) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The endpoint answers 503 to the probes of these nodes only (and as its state says to the others). */
  public void setDownOnlyFor(int endpoint, Set<String> nodeIds) {
    if (nodeIds.isEmpty()) {
      downOnlyFor.remove(endpoint);
    } else {
      downOnlyFor.put(endpoint, Set.copyOf(nodeIds));
    }
  }

  private State stateOf(String uri) {
    if (!uri.startsWith("/t/")) {
      return null;
    }
    try {
      int n = Integer.parseInt(uri.substring(3));
      return n >= 0 && n < states.length() ? State.values()[states.get(n)] : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public void set(int endpoint, State state) {
    states.set(endpoint, state.ordinal());
  }

  public String url(int endpoint) {
    return "http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + "/t/" + endpoint;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
