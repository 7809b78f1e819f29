package dev.quorumwatch.node.http;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.apache.ratis.thirdparty.com.google.protobuf.util.JsonFormat;
import dev.quorumwatch.node.auth.ApiAuth;
import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.node.raft.RaftNode;
import dev.quorumwatch.node.tls.NodeTls;
import dev.quorumwatch.node.tls.TlsFiles;
import dev.quorumwatch.proto.StatusPage;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz}, {@code /metrics}, the operator's status page at {@code /} with
 * its data at {@code /status.json}, heartbeat pings at {@code /ping/}, and the public status
 * pages and badges at {@code /status/} and {@code /badge/}.
 */
public final class HttpEndpoints implements AutoCloseable {
  static final int HANDLER_THREADS = 4;
  static final int WAITING_MAX = 256;

  static {
    // The JDK server's own limits (read once, before the first server): a client that sends
    // its request or reads the answer slower than this is cut off, so slow clients cannot hold
    // connections and threads forever.
    System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "10"));
    System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "30"));
  }

  private static final JsonFormat.Printer JSON = JsonFormat.printer()
      .includingDefaultValueFields().omittingInsignificantWhitespace();
  private final HttpServer server;
  private final RaftNode raft;
  private final Supplier<StatusPage> statusPage;
  private final byte[] page;
  private final PrometheusRegistry prometheus;
  private final ApiAuth auth;
  /**
   * At most {@value #HANDLER_THREADS} requests at a time and {@value #WAITING_MAX} waiting; beyond
   * that the server's own thread answers, which stops it accepting more: a flood of scrapes or
   * page views slows itself down instead of growing threads or memory without bound.
   */
  private final ThreadPoolExecutor handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 60, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(WAITING_MAX), r -> {
        Thread t = new Thread(r, "qw-http");
        t.setDaemon(true);
        return t;
      }, new ThreadPoolExecutor.CallerRunsPolicy());

  /**
   * {@code prometheus}: what /metrics exposes; the Dropwizard registry and JVM metrics are added
   * to it. With {@code tls}, HTTPS only, with the node's certificate.
   */
  public HttpEndpoints(HostPort listen, Optional<TlsFiles> tls, ApiAuth auth, RaftNode raft, MetricRegistry metrics,
      PrometheusRegistry prometheus, Supplier<StatusPage> statusPage, HttpHandler pings, HttpHandler publicPages)
      throws IOException {
    this.auth = auth;
    this.raft = raft;
    this.statusPage = statusPage;
    this.prometheus = prometheus;
    DropwizardExports.builder().dropwizardRegistry(metrics).register(prometheus);
    JvmMetrics.builder().register(prometheus);
    InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
    if (tls.isPresent()) {
      HttpsServer https = HttpsServer.create(address, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(NodeTls.httpsContext(tls.get())));
      server = https;
    } else {
      server = HttpServer.create(address, 64);
    }
    server.setExecutor(handlers);
    server.createContext("/healthz", ex -> HttpReplies.send(ex, 200, "text/plain", "ok\n"));
    server.createContext("/readyz", this::ready);
    server.createContext("/metrics", ex -> withToken(ex, this::metrics));
    server.createContext("/status.json", ex -> withToken(ex, this::statusJson));
    server.createContext("/ping/", pings); // heartbeat pings carry their own token
    server.createContext("/status/", publicPages); // public by design: only what a status page lists
    server.createContext("/badge/", publicPages);
    server.createContext("/", this::statusPage);
    try (InputStream in = HttpEndpoints.class.getResourceAsStream("/status/index.html")) {
      page = in.readAllBytes();
    }
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void ready(HttpExchange ex) throws IOException {
    String leader = raft.leaderId().orElse("");
    if (leader.isEmpty()) {
      HttpReplies.send(ex, 503, "text/plain", "not ready: no leader\n");
    } else {
      HttpReplies.send(ex, 200, "text/plain", "ready: leader " + leader + "\n");
    }
  }

  private void metrics(HttpExchange ex) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    writer.write(out, prometheus.scrape(MetricNameQuery.of(ex.getRequestURI().getRawQuery())));
    HttpReplies.send(ex, 200, writer.getContentType(), out.toString(StandardCharsets.UTF_8));
  }

  /** One self-contained HTML page (no external assets) that renders /status.json and refreshes itself. */
  private void statusPage(HttpExchange ex) throws IOException {
    if (!ex.getRequestURI().getPath().equals("/")) {
      HttpReplies.send(ex, 404, "text/plain", "not found\n");
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, page.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(page);
    }
  }

  private void statusJson(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    HttpReplies.send(ex, 200, "application/json", JSON.print(statusPage.get()));
  }

  /**
   * With API tokens configured, the data endpoints want one too (any role), as the gRPC API
   * does: {@code Authorization: Bearer <token>}. The page itself holds no data and asks for one;
   * /healthz and /readyz stay open for load balancers and orchestrators.
   */
  private void withToken(HttpExchange ex, HttpHandler handler) throws IOException {
    if (auth.tokens().isEmpty() || auth.bearer(ex.getRequestHeaders().getFirst("Authorization")).isPresent()) {
      handler.handle(ex);
      return;
    }
    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"quorumwatch\"");
    HttpReplies.send(ex, 401, "text/plain", "this node needs an API token: Authorization: Bearer <token> (a read token will do)\n");
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
