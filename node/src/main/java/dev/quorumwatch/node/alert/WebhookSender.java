package dev.quorumwatch.node.alert;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
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
  private final Secrets secrets;

  /**
   * {@code resolving}: where a receiver's name is looked up and checked against {@code denied};
   * {@code secrets}: what the references in a webhook URL stand for on this node.
   */
  public WebhookSender(HttpClient client, DeniedNetworks denied, Executor resolving, Secrets secrets) {
    this.client = client;
    this.denied = denied;
    this.resolving = resolving;
    this.secrets = secrets;
  }

  /**
   * {@code url} as the monitors file has it, references included: they are filled in here, and
   * no error says what they stand for.
   */
  public CompletableFuture<Integer> post(String url, byte[] body, Map<String, String> headers) {
    String filledIn;
    try {
      filledIn = secrets.expand(url);
    } catch (IllegalArgumentException unresolvable) { // names the variable or file, never a value
      return CompletableFuture.failedFuture(unresolvable);
    }
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(filledIn));
    } catch (IllegalArgumentException e) { // quotes the URL, which may hold a secret
      return CompletableFuture.failedFuture(new IllegalArgumentException(filledIn.equals(url) ? e.getMessage()
          : "the webhook URL is not a valid URL once its references are filled in"));
    }
    request
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
