package dev.quorumwatch.node.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** A webhook receiver that prints each alert it gets, one line per alert. */
public final class ConsoleWebhookSink implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;

  public ConsoleWebhookSink(int port, PrintStream out) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext("/alerts", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
      try {
        JsonNode doc = JSON.readTree(body);
        for (JsonNode alert : doc.path("alerts")) {
          out.printf("%n>>> WEBHOOK %s  %-8s %s %s  regions=%s  incident=%s  key=%s%n%n",
              LocalTime.now().truncatedTo(ChronoUnit.SECONDS), alert.path("status").asText().toUpperCase(),
              alert.path("labels").path("alertname").asText(), alert.path("labels").path("target").asText(),
              alert.path("annotations").path("regions").asText(), alert.path("annotations").path("incident_id").asText(),
              key);
        }
      } catch (IOException e) {
        out.println(">>> WEBHOOK with unreadable body: " + e.getMessage());
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
  }

  public void start() {
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
