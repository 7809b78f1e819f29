package dev.quorumwatch.node.http;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.coordinator.TargetRow;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.node.raft.RaftNode;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** {@code /healthz}, {@code /readyz}, {@code /metrics} and a plain status page at {@code /}. */
public final class HttpEndpoints implements AutoCloseable {
  private final HttpServer server;
  private final RaftNode raft;
  private final MonitorStateMachine state;
  private final PrometheusRegistry prometheus;

  /** {@code prometheus}: what /metrics exposes; the Dropwizard registry and JVM metrics are added to it. */
  public HttpEndpoints(HostPort listen, RaftNode raft, MonitorStateMachine state, MetricRegistry metrics,
      PrometheusRegistry prometheus, ExecutorService executor) throws IOException {
    this.raft = raft;
    this.state = state;
    this.prometheus = prometheus;
    DropwizardExports.builder().dropwizardRegistry(metrics).register(prometheus);
    JvmMetrics.builder().register(prometheus);
    server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 64);
    server.setExecutor(executor);
    server.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok\n"));
    server.createContext("/readyz", this::ready);
    server.createContext("/metrics", this::metrics);
    server.createContext("/", this::statusPage);
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
      respond(ex, 503, "text/plain", "not ready: no leader\n");
    } else {
      respond(ex, 200, "text/plain", "ready: leader " + leader + "\n");
    }
  }

  private void metrics(HttpExchange ex) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    writer.write(out, prometheus.scrape());
    respond(ex, 200, writer.getContentType(), out.toString(StandardCharsets.UTF_8));
  }

  private void statusPage(HttpExchange ex) throws IOException {
    if (!ex.getRequestURI().getPath().equals("/")) {
      respond(ex, 404, "text/plain", "not found\n");
      return;
    }
    List<TargetRow> rows = state.read(c -> c.targetRows());
    StringBuilder page = new StringBuilder("QuorumWatch node ").append(raft.selfId())
        .append(", leader ").append(raft.leaderId().orElse("(none)")).append(", term ").append(raft.term())
        .append("\n\n");
    for (TargetRow row : rows) {
      page.append(String.format("%-32s %-9s 24h %.3f%%%n", row.spec().getId(),
          row.verdict().name().replace("VERDICT_", ""), row.uptime24h()));
    }
    respond(ex, 200, "text/plain; charset=utf-8", page.toString());
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
