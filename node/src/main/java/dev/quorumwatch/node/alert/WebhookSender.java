package dev.quorumwatch.node.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** POSTs one webhook; completes with the HTTP status, or exceptionally when nothing came back. */
public final class WebhookSender {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient client;

  public WebhookSender(HttpClient client) {
    this.client = client;
  }

  public CompletableFuture<Integer> post(String url, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
  }
}
