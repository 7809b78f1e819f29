package dev.quorumwatch.harness.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.node.receiver.SendContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A webhook receiver that timestamps each arrival. */
public final class WebhookSink implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One alert of a notification, as it arrived. */
  public record Arrival(long atMs, String idempotencyKey, String status, String alertname, String target,
      String incidentId, String sender, long startsAtMs) {
    public boolean isPage() {
      return alertname.equals("TargetDown");
    }
  }

  private final HttpServer server;
  private final List<Arrival> arrivals = new ArrayList<>();
  private volatile int failWithStatus;

  public WebhookSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.createContext("/alerts", ex -> {
      long at = System.currentTimeMillis();
      JsonNode doc = JSON.readTree(ex.getRequestBody().readAllBytes());
      int fail = failWithStatus;
      if (fail != 0) {
        ex.sendResponseHeaders(fail, -1);
        ex.close();
        return;
      }
      String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
      String sender = ex.getRequestHeaders().getFirst(SendContext.SENDER_HEADER);
      synchronized (arrivals) {
        for (JsonNode alert : doc.path("alerts")) {
          arrivals.add(new Arrival(at, key, alert.path("status").asText(),
              alert.path("labels").path("alertname").asText(), alert.path("labels").path("target").asText(),
              alert.path("annotations").path("incident_id").asText(), sender,
              Instant.parse(alert.path("startsAt").asText()).toEpochMilli()));
        }
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
  }

  /** Answers every POST with {@code status} (e.g. 500) until {@link #succeed()}; nothing is recorded meanwhile. */
  public void failWith(int status) {
    failWithStatus = status;
  }

  public void succeed() {
    failWithStatus = 0;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
  }

  public List<Arrival> arrivals() {
    synchronized (arrivals) {
      return List.copyOf(arrivals);
    }
  }

  /** Pages (TargetDown) only: what the outage checks judge. */
  public List<Arrival> pages() {
    return arrivals().stream().filter(Arrival::isPage).toList();
  }

  /** Pages for one target with one status, after a point in time. */
  public List<Arrival> since(long fromMs, String target, String status) {
    List<Arrival> out = new ArrayList<>();
    for (Arrival a : pages()) {
      if (a.atMs() >= fromMs && a.target().equals(target) && a.status().equals(status)) {
        out.add(a);
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
