package dev.quorumwatch.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A real webhook receiver on loopback that records every POST (and can answer 500 on demand). */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One accepted (2xx) delivery. */
  public record Received(long atMs, String idempotencyKey, String signature, String status, String alertname,
      String target, String incidentId, String regions, JsonNode body, byte[] rawBody, String path) {}

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final AtomicInteger failingStatus = new AtomicInteger(0);
  private final AtomicInteger rejected = new AtomicInteger();

  public WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/alerts", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      int fail = failingStatus.get();
      if (fail != 0) {
        rejected.incrementAndGet();
        ex.sendResponseHeaders(fail, -1);
        ex.close();
        return;
      }
      JsonNode doc = JSON.readTree(body);
      JsonNode alert = doc.path("alerts").path(0);
      synchronized (received) {
        received.add(new Received(System.currentTimeMillis(),
            ex.getRequestHeaders().getFirst("Idempotency-Key"),
            ex.getRequestHeaders().getFirst("X-QuorumWatch-Signature"),
            doc.path("status").asText(),
            alert.path("labels").path("alertname").asText(),
            alert.path("labels").path("target").asText(),
            alert.path("annotations").path("incident_id").asText(),
            alert.path("annotations").path("regions").asText(),
            doc,
            body,
            ex.getRequestURI().getPath()));
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
  }

  /** Answer every POST with this status (e.g. 500) until {@link #succeed()}. */
  public void failWith(int status) {
    failingStatus.set(status);
  }

  public void succeed() {
    failingStatus.set(0);
  }

  public int rejectedCount() {
    return rejected.get();
  }

  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Notifications whose (first) alert is a TargetDown: what pages an on-call engineer. */
  public List<Received> pages() {
    return received().stream().filter(r -> r.alertname().equals("TargetDown")).toList();
  }

  public List<Received> pagesWithStatus(String status) {
    return pages().stream().filter(r -> r.status().equals(status)).toList();
  }

  /** Every alert of every notification, flattened: "alertname target-or-node status". */
  public List<String> alerts() {
    List<String> out = new ArrayList<>();
    for (Received r : received()) {
      for (JsonNode a : r.body().path("alerts")) {
        JsonNode labels = a.path("labels");
        String subject = labels.has("target") ? labels.path("target").asText() : labels.path("node").asText();
        out.add(labels.path("alertname").asText() + " " + subject + " " + a.path("status").asText());
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
