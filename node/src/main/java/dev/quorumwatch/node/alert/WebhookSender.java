package dev.quorumwatch.node.alert;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** POSTs one webhook; completes with the HTTP status, or exceptionally when nothing came back. */
public final class WebhookSender {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient client;
  private final DeniedNetworks denied;
  private final Executor resolving;

  /** {@code resolving}: where a receiver's name is looked up and checked against {@code denied}. */
  public WebhookSender(HttpClient client, DeniedNetworks denied, Executor resolving) {
    this.client = client;
    this.denied = denied;
    this.resolving = resolving;
  }

  public CompletableFuture<Integer> post(String url, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpRequest built = request.build();
    return denied.checkAsync(built.uri().getHost(), resolving)
        .thenCompose(allowed -> client.sendAsync(built, HttpResponse.BodyHandlers.discarding()))
        .thenApply(HttpResponse::statusCode);
  }
}
