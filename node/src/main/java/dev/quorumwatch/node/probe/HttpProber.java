package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.TargetSpec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AttributeKey;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * HTTP(S) GET with the expected status codes. Connections are kept alive and pooled per
 * origin, so latency measures the service rather than a handshake, and ten thousand targets
 * on one host need a handful of sockets, not ten thousand.
 */
final class HttpProber implements Prober {
  static final int IDLE_PER_ORIGIN_MAX = 64;
  private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("qw.exchange");

  private final Bootstrap plain;
  private final Bootstrap tls;
  private final String userAgent;
  private final Map<String, Url> urls = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedDeque<Channel>> idle = new ConcurrentHashMap<>();

  /** A URL split once into what each probe needs. */
  private record Url(String origin, String host, int port, boolean https, String pathAndQuery, String hostHeader) {
    static Url parse(String text) {
      URI uri = URI.create(text);
      boolean https = "https".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
      String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      String hostHeader = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + port;
      return new Url(uri.getScheme() + "://" + uri.getHost() + ":" + port, uri.getHost(), port, https, path, hostHeader);
    }
  }

  /** One probe: a request in flight on one channel, with its own deadline. */
  private static final class Exchange {
    final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    final HttpProbe spec;
    final Url url;
    final long startNs;
    final long timeoutMs;
    boolean onReusedConnection;
    int status;
    boolean keepAlive;

    Exchange(HttpProbe spec, Url url, long startNs, long timeoutMs) {
      this.spec = spec;
      this.url = url;
      this.startNs = startNs;
      this.timeoutMs = timeoutMs;
    }

    long latencyMs() {
      return (System.nanoTime() - startNs) / 1_000_000;
    }

    long remainingMs() {
      return timeoutMs - latencyMs();
    }
  }

  HttpProber(Bootstrap template, String userAgent) {
    this.userAgent = userAgent;
    this.plain = template.clone().handler(initializer(null));
    SslContext sslContext;
    try {
      sslContext = SslContextBuilder.forClient().build();
    } catch (SSLException e) {
      throw new IllegalStateException("the JDK's TLS provider is unavailable", e);
    }
    this.tls = template.clone().handler(initializer(sslContext));
  }

  private ChannelInitializer<Channel> initializer(SslContext ssl) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (ssl != null) {
          Url url = ch.attr(URL).get();
          ch.pipeline().addLast(ssl.newHandler(ch.alloc(), url.host(), url.port()));
        }
        ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler());
      }
    };
  }

  private static final AttributeKey<Url> URL = AttributeKey.valueOf("qw.url");

  @Override
  public CompletableFuture<ProbeResult> probe(TargetSpec target) {
    long startNs = System.nanoTime();
    Url url;
    try {
      url = urls.computeIfAbsent(target.getHttp().getUrl(), Url::parse);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(ProbeResult.failure(FailureClass.ERROR, e.getMessage(), 0));
    }
    Exchange exchange = new Exchange(target.getHttp(), url, startNs, target.getTimeoutMs());
    Channel reused = takeIdle(url.origin());
    if (reused != null) {
      exchange.onReusedConnection = true;
      send(reused, exchange);
    } else {
      connectAndSend(exchange);
    }
    return exchange.result;
  }

  private void connectAndSend(Exchange exchange) {
    Url url = exchange.url;
    Bootstrap bootstrap = (url.https() ? tls : plain).clone()
        .attr(URL, url)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, exchange.remainingMs()));
    ChannelFuture connect = bootstrap.connect(url.host(), url.port());
    connect.addListener(f -> {
      if (f.isSuccess()) {
        send(connect.channel(), exchange);
      } else {
        exchange.result.complete(ProbeResult.failure(FailureClass.of(f.cause()), FailureClass.describe(f.cause()),
            exchange.latencyMs()));
      }
    });
  }

  private void send(Channel ch, Exchange exchange) {
    long remainingMs = exchange.remainingMs();
    if (remainingMs <= 0) {
      exchange.result.complete(ProbeResult.failure(FailureClass.TIMEOUT, "connect used the whole timeout", exchange.latencyMs()));
      ch.close();
      return;
    }
    ch.attr(EXCHANGE).set(exchange);
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, exchange.url.pathAndQuery());
    request.headers()
        .set(HttpHeaderNames.HOST, exchange.url.hostHeader())
        .set(HttpHeaderNames.USER_AGENT, userAgent)
        .set(HttpHeaderNames.ACCEPT, "*/*")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    ch.writeAndFlush(request).addListener(f -> {
      if (!f.isSuccess()) {
        fail(ch, exchange, f.cause());
      }
    });
    ch.eventLoop().schedule(() -> {
      if (exchange.result.complete(ProbeResult.failure(FailureClass.TIMEOUT, "no response within the timeout",
          exchange.latencyMs()))) {
        ch.close(); // the late answer must not be read as the next probe's
      }
    }, remainingMs, TimeUnit.MILLISECONDS);
  }

  /** Ends {@code exchange} on {@code ch} once, whichever of write failure, error or close reports it first. */
  private void fail(Channel ch, Exchange exchange, Throwable cause) {
    if (!ch.attr(EXCHANGE).compareAndSet(exchange, null)) {
      return; // already ended, or moved to a fresh connection
    }
    ch.close();
    if (exchange.onReusedConnection && exchange.status == 0 && !exchange.result.isDone() && exchange.remainingMs() > 0) {
      // The server closed a pooled connection while it sat idle (keep-alive timeouts are
      // usually shorter than probe intervals): that says nothing about the service. Ask
      // again on a fresh connection within the same deadline.
      exchange.onReusedConnection = false;
      connectAndSend(exchange);
      return;
    }
    exchange.result.complete(ProbeResult.failure(FailureClass.of(cause), FailureClass.describe(cause), exchange.latencyMs()));
  }

  private Channel takeIdle(String origin) {
    ConcurrentLinkedDeque<Channel> pool = idle.get(origin);
    if (pool == null) {
      return null;
    }
    Channel ch;
    while ((ch = pool.pollFirst()) != null) {
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  private void release(Channel ch) {
    Url url = ch.attr(URL).get();
    ConcurrentLinkedDeque<Channel> pool = idle.computeIfAbsent(url.origin(), o -> new ConcurrentLinkedDeque<>());
    if (pool.size() >= IDLE_PER_ORIGIN_MAX) {
      ch.close();
    } else {
      pool.addFirst(ch);
    }
  }

  void close() {
    idle.values().forEach(pool -> pool.forEach(Channel::close));
    idle.clear();
  }

  /** Reads one response per request; keeps the connection when both sides allow it. */
  private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      Exchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange == null) {
        ctx.close(); // nothing was asked: the server is speaking out of turn
        return;
      }
      if (msg instanceof HttpResponse response) {
        exchange.status = response.status().code();
        exchange.keepAlive = HttpUtil.isKeepAlive(response);
      }
      if (msg instanceof LastHttpContent) {
        ctx.channel().attr(EXCHANGE).set(null);
        int status = exchange.status;
        ProbeResult result = exchange.spec.getExpectStatusList().contains(status)
            ? ProbeResult.success(exchange.latencyMs())
            : ProbeResult.failure(status == 429 ? FailureClass.RATE_LIMITED : FailureClass.HTTP_STATUS, "HTTP " + status,
                exchange.latencyMs());
        boolean inTime = exchange.result.complete(result);
        if (inTime && exchange.keepAlive) {
          release(ctx.channel());
        } else {
          ctx.close();
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null) {
        fail(ctx.channel(), exchange, cause);
      } else {
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Exchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null) {
        fail(ctx.channel(), exchange, new ClosedChannelException());
      }
    }
  }
}
