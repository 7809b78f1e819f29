package dev.quorumwatch.node.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A whole answer at once, for the node's small HTTP endpoints (no body for HEAD). */
public final class HttpReplies {
  private HttpReplies() {}

  public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      if (!head) {
        os.write(bytes);
      }
    }
  }
}
