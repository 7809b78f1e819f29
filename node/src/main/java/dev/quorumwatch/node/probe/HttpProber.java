package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.node.outbound.RetryAfter;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.TargetSpec;
import org.apache.ratis.thirdparty.io.netty.bootstrap.Bootstrap;
import org.apache.ratis.thirdparty.io.netty.buffer.Unpooled;
import org.apache.ratis.thirdparty.io.netty.channel.Channel;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelFuture;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelHandlerContext;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelInitializer;
import org.apache.ratis.thirdparty.io.netty.channel.SimpleChannelInboundHandler;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.DefaultFullHttpRequest;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.FullHttpRequest;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpClientCodec;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpContent;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpHeaderValues;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpMethod;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpObject;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpResponse;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpUtil;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.HttpVersion;
import org.apache.ratis.thirdparty.io.netty.handler.codec.http.LastHttpContent;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslHandler;
import org.apache.ratis.thirdparty.io.netty.util.AttributeKey;
import org.apache.ratis.thirdparty.io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * HTTP(S) probes: method, headers and body as configured; up when the status is expected
 * and the body checks pass. Connections are kept alive and pooled per origin and TLS
 * setting (unless the target asks for a fresh connection each time), so latency measures
 * the service rather than a handshake. Redirects are followed up to the target's limit,
 * all within its one timeout.
 */
final class HttpProber implements Prober {
  /** Parsed configured URLs: twice the most targets a cluster may have. */
  static final int URLS_MAX = 2 * MonitorsParser.MAX_TARGETS;
  private static final AttributeKey<HttpProbeExchange> EXCHANGE = AttributeKey.valueOf("qw.exchange");
  private static final AttributeKey<ConnectionRoute> ROUTE = AttributeKey.valueOf("qw.route");
  private static final AttributeKey<Long> CERT_NOT_AFTER = AttributeKey.valueOf("qw.cert_not_after");

  private final Bootstrap template;
  private final Bootstrap plain;
  private final TlsContexts tls = new TlsContexts();
  private final Map<String, Bootstrap> tlsBootstraps = new ConcurrentHashMap<>();
  private final String userAgent;
  private final Secrets secrets;
  private final Map<String, ProbeUrl> urls = new ConcurrentHashMap<>();
  private final IdleConnections idle = new IdleConnections();

  HttpProber(Bootstrap template, String userAgent, Secrets secrets) {
    this.userAgent = userAgent;
    this.secrets = secrets;
    this.template = template;
    this.plain = template.clone().handler(initializer(null));
  }

  private ChannelInitializer<Channel> initializer(TlsContexts.Key key) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) throws Exception {
        if (key != null) {
          ConnectionRoute route = ch.attr(ROUTE).get();
          SslHandler ssl = tls.context(key).newHandler(ch.alloc(), route.serverName(), route.url().port());
          ssl.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) {
              ch.attr(CERT_NOT_AFTER).set(notAfter(ssl));
            }
          });
          ch.pipeline().addLast(ssl);
        }
        ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler());
      }
    };
  }

  @Override
  public CompletableFuture<ProbeResult> probe(TargetSpec target) {
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    List<Label> headers;
    try {
      headers = target.getHttp().getHeadersList().stream()
          .map(h -> h.toBuilder().setValue(secrets.expand(h.getValue())).build()).toList();
    } catch (IllegalArgumentException unresolvable) { // names the variable or file, never a value
      result.complete(ProbeResult.failure(FailureClass.ERROR, unresolvable.getMessage(), 0));
      return result;
    }
    start(result, target.getHttp(), target.getHttp().getUrl(), headers, System.nanoTime(), target.getTimeoutMs(), 0);
    return result;
  }

  /**
   * {@code headers}: the configured headers with their references filled in, once per probe
   * (off the event loop: a redirect, followed on the loop, reuses them).
   */
  private void start(CompletableFuture<ProbeResult> result, HttpProbe spec, String urlText, List<Label> headers,
      long startNs, long timeoutMs, int hops) {
    ConnectionRoute route;
    try {
      // Configured URLs are parsed once; a redirect's Location (the target's choice) is not kept.
      if (urls.size() > URLS_MAX) {
        urls.clear(); // targets were replaced many times over: parse the current ones again
      }
      ProbeUrl url = hops == 0 ? urls.computeIfAbsent(urlText, ProbeUrl::parse) : ProbeUrl.parse(urlText);
      String serverName = spec.getTlsServerName().isEmpty() ? url.host() : spec.getTlsServerName();
      route = new ConnectionRoute(url, TlsContexts.Key.of(spec), serverName);
    } catch (IllegalArgumentException e) {
      result.complete(ProbeResult.failure(FailureClass.ERROR, e.getMessage(), (System.nanoTime() - startNs) / 1_000_000));
      return;
    }
    HttpProbeExchange exchange = new HttpProbeExchange(result, spec, headers, route, startNs, timeoutMs, hops);
    Channel reused = exchange.fresh ? null : idle.take(route.poolKey());
    if (reused != null) {
      exchange.onReusedConnection = true;
      send(reused, exchange);
    } else {
      connectAndSend(exchange);
    }
  }

  private void connectAndSend(HttpProbeExchange exchange) {
    ConnectionRoute route = exchange.route;
    Bootstrap base = route.url().https()
        ? tlsBootstraps.computeIfAbsent(route.tlsKey().toString(), k -> template.clone().handler(initializer(route.tlsKey())))
        : plain;
    ChannelFuture connect = base.clone()
        .attr(ROUTE, route)
        .connect(route.url().host(), route.url().port());
    // One deadline for lookup and connect: Netty's own connect timeout would start only once
    // the name is resolved.
    ScheduledFuture<?> deadline = base.config().group().next().schedule(() -> {
      if (exchange.result.complete(ProbeResult.failure(FailureClass.TIMEOUT,
          "no connection within the timeout (name lookup or connect)", exchange.latencyMs()))) {
        connect.cancel(false);
        connect.channel().close();
      }
    }, Math.max(1, exchange.remainingMs()), TimeUnit.MILLISECONDS);
    connect.addListener(f -> {
      deadline.cancel(false);
      if (exchange.result.isDone()) {
        connect.channel().close();
      } else if (f.isSuccess()) {
        send(connect.channel(), exchange);
      } else {
        exchange.result.complete(ProbeResult.failure(FailureClass.of(f.cause()), FailureClass.describe(f.cause()),
            exchange.latencyMs()));
      }
    });
  }

  private void send(Channel ch, HttpProbeExchange exchange) {
    long remainingMs = exchange.remainingMs();
    if (remainingMs <= 0) {
      exchange.result.complete(ProbeResult.failure(FailureClass.TIMEOUT, "connect used the whole timeout", exchange.latencyMs()));
      ch.close();
      return;
    }
    ch.attr(EXCHANGE).set(exchange);
    HttpProbe spec = exchange.spec;
    byte[] body = spec.getBody().getBytes(StandardCharsets.UTF_8);
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
        HttpMethod.valueOf(spec.getMethod().isEmpty() ? "GET" : spec.getMethod()), exchange.route.url().pathAndQuery(),
        Unpooled.wrappedBuffer(body));
    request.headers()
        .set(HttpHeaderNames.HOST, exchange.route.url().hostHeader())
        .set(HttpHeaderNames.USER_AGENT, userAgent)
        .set(HttpHeaderNames.ACCEPT, "*/*")
        .set(HttpHeaderNames.CONNECTION, exchange.fresh ? HttpHeaderValues.CLOSE : HttpHeaderValues.KEEP_ALIVE);
    if (body.length > 0 || !spec.getMethod().isEmpty() && !spec.getMethod().equals("GET")
        && !spec.getMethod().equals("HEAD")) {
      request.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    }
    exchange.headers.forEach(h -> request.headers().set(h.getName(), h.getValue()));
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
  private void fail(Channel ch, HttpProbeExchange exchange, Throwable cause) {
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

  /** The response is complete: follow a redirect, or judge it. */
  private void finish(Channel ch, HttpProbeExchange exchange) {
    ch.attr(EXCHANGE).set(null);
    boolean reusable = exchange.keepAlive && !exchange.fresh;
    int status = exchange.status;
    if (status >= 300 && status < 400 && exchange.location != null && exchange.hops < exchange.spec.getMaxRedirects()) {
      release(ch, reusable);
      String next;
      ProbeUrl nextUrl;
      try {
        next = URI.create(exchange.route.url().text()).resolve(exchange.location).toString();
        nextUrl = ProbeUrl.parse(next);
      } catch (IllegalArgumentException e) {
        exchange.result.complete(ProbeResult.failure(FailureClass.HTTP_STATUS, "HTTP " + status + " to a bad Location",
            exchange.latencyMs()));
        return;
      }
      if (exchange.remainingMs() <= 0) {
        exchange.result.complete(ProbeResult.failure(FailureClass.TIMEOUT, "redirects used the whole timeout",
            exchange.latencyMs()));
        return;
      }
      if (exchange.route.url().https() && !nextUrl.https()) {
        exchange.result.complete(ProbeResult.failure(FailureClass.HTTP_STATUS, "HTTP " + status
            + ": redirect from https to http refused", exchange.latencyMs()));
        return;
      }
      // The configured headers (tokens, often) are for the origin the operator named: a
      // redirect elsewhere does not get them.
      boolean sameOrigin = nextUrl.origin().equals(exchange.route.url().origin());
      start(exchange.result, exchange.spec, next, sameOrigin ? exchange.headers : List.of(), exchange.startNs,
          exchange.timeoutMs, exchange.hops + 1);
      return;
    }
    ProbeResult result;
    if (status == 429 && !expected(exchange.spec, status)) {
      result = ProbeResult.rateLimited("HTTP 429", exchange.latencyMs(), RetryAfter.parseMs(exchange.retryAfter,
          System.currentTimeMillis()));
    } else if (!expected(exchange.spec, status)) {
      result = ProbeResult.failure(FailureClass.HTTP_STATUS, "HTTP " + status, exchange.latencyMs());
    } else {
      String mismatch = exchange.body == null ? null
          : BodyCheck.mismatch(exchange.spec, exchange.body.toString(StandardCharsets.UTF_8));
      result = mismatch == null ? ProbeResult.success(exchange.latencyMs())
          : ProbeResult.failure(FailureClass.BODY_MISMATCH, mismatch, exchange.latencyMs());
    }
    // Pooled before the result is told, so the next probe finds it (all on this channel's event loop,
    // where the timeout also runs: a probe already timed out closed the channel instead).
    Long notAfter = ch.attr(CERT_NOT_AFTER).get();
    if (notAfter != null) {
      result = result.withCertificateExpiry(notAfter);
    }
    boolean inTime = !exchange.result.isDone();
    release(ch, inTime && reusable);
    exchange.result.complete(result);
  }

  /** The leaf certificate's expiry; 0 when the session has none we can read. */
  private static long notAfter(SslHandler ssl) {
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf.getNotAfter().getTime() : 0;
    } catch (SSLPeerUnverifiedException e) {
      return 0;
    }
  }

  static boolean expected(HttpProbe spec, int status) {
    if (spec.getExpectStatusList().contains(status)) {
      return true;
    }
    return spec.getExpectStatusRangesList().stream().anyMatch(r -> status >= r.getFrom() && status <= r.getTo());
  }

  private void release(Channel ch, boolean keep) {
    if (keep) {
      idle.offer(ch.attr(ROUTE).get().poolKey(), ch);
    } else {
      ch.close();
    }
  }

  @Override
  public void close() {
    idle.close();
  }

  /** Reads one response per request; keeps the body only when a body check needs it. */
  private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      HttpProbeExchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange == null) {
        ctx.close(); // nothing was asked: the server is speaking out of turn
        return;
      }
      if (msg instanceof HttpResponse response) {
        exchange.status = response.status().code();
        exchange.keepAlive = HttpUtil.isKeepAlive(response);
        exchange.location = response.headers().get(HttpHeaderNames.LOCATION);
        exchange.retryAfter = response.headers().get(HttpHeaderNames.RETRY_AFTER);
      }
      if (msg instanceof HttpContent content && exchange.body != null
          && exchange.body.size() < BodyCheck.BODY_MAX_BYTES) {
        int take = Math.min(content.content().readableBytes(), BodyCheck.BODY_MAX_BYTES - exchange.body.size());
        byte[] bytes = new byte[take];
        content.content().getBytes(content.content().readerIndex(), bytes);
        exchange.body.write(bytes, 0, take);
      }
      if (msg instanceof LastHttpContent) {
        finish(ctx.channel(), exchange);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      HttpProbeExchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null) {
        fail(ctx.channel(), exchange, cause);
      } else {
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      HttpProbeExchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null) {
        fail(ctx.channel(), exchange, new ClosedChannelException());
      }
    }
  }
}
