package dev.quorumwatch.node.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/** The demo's target: {@code /health} answers 200 while up and 503 while down; {@code /down} and {@code /up} flip it. */
public final class DemoTarget implements AutoCloseable {
  private final HttpServer server;
  private final AtomicBoolean up = new AtomicBoolean(true);

  public DemoTarget(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext("/health", ex -> respond(ex, up.get() ? 200 : 503, up.get() ? "ok\n" : "down\n"));
    server.createContext("/down", ex -> {
      setUp(false);
      respond(ex, 200, "demo target is now DOWN\n");
    });
    server.createContext("/up", ex -> {
      setUp(true);
      respond(ex, 200, "demo target is now UP\n");
    });
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void setUp(boolean value) {
    up.set(value);
  }

  public boolean isUp() {
    return up.get();
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
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
