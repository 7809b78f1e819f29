package dev.quorumwatch.node.receiver;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.outbound.RetryAfter;
import dev.quorumwatch.node.secret.Secrets;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;

/**
 * POSTs one request for a receiver: fills in the secret references of its URL and headers,
 * refuses denied networks, and keeps at most {@link #BODY_EXCERPT_BYTES} of the answer (a
 * receiver can't make the node buffer a large body). Completes with the answer, or
 * exceptionally when nothing came back; no error quotes a filled-in value.
 */
public final class HttpPoster {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  public static final int BODY_EXCERPT_BYTES = 4096;
  private final HttpClient client;
  private final DeniedNetworks denied;
  private final Executor resolving;
  private final Secrets secrets;
  private final LongSupplier clockMs;

  /** What a receiver answered: its status, the start of its body, and the wait it asked for. */
  public record Answer(int status, String bodyExcerpt, long retryAfterMs) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** {@code HTTP 429: <excerpt>}, one line, for logs and `deliveries`. */
    public String describe() {
      String excerpt = bodyExcerpt.replaceAll("\\s+", " ").strip();
      return "HTTP " + status + (excerpt.isEmpty() ? "" : ": " + (excerpt.length() > 200 ? excerpt.substring(0, 200) + "…"
          : excerpt));
    }
  }

  /**
   * {@code resolving}: where a receiver's name is looked up and checked against {@code denied};
   * {@code secrets}: what the references in URLs and headers stand for on this node.
   */
  public HttpPoster(HttpClient client, DeniedNetworks denied, Executor resolving, Secrets secrets, LongSupplier clockMs) {
    this.client = client;
    this.denied = denied;
    this.resolving = resolving;
    this.secrets = secrets;
    this.clockMs = clockMs;
  }

  public Secrets secrets() {
    return secrets;
  }

  /**
   * {@code url} as the monitors file has it, references included: they are filled in here.
   * Header values are sent as given (they may hold alert text, which must never be taken for a
   * reference): a kind fills in a secret header itself, with {@link #secrets()}.
   */
  public CompletableFuture<Answer> post(String url, String contentType, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request;
    try {
      String filledIn = secrets.expand(url);
      try {
        request = HttpRequest.newBuilder(URI.create(filledIn));
      } catch (IllegalArgumentException e) { // quotes the URL, which may hold a secret
        throw new IllegalArgumentException(filledIn.equals(url) ? e.getMessage()
            : "the URL is not a valid URL once its references are filled in");
      }
      request.timeout(TIMEOUT).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(request::header);
    } catch (IllegalArgumentException unusable) { // names the variable or file, never a value
      return CompletableFuture.failedFuture(unusable);
    }
    HttpRequest built = request.build();
    return denied.checkAsync(built.uri().getHost(), resolving)
        .thenCompose(allowed -> client.sendAsync(built, responseInfo -> new Excerpt()))
        .thenApply(r -> new Answer(r.statusCode(), r.body(),
            RetryAfter.parseMs(r.headers().firstValue("Retry-After").orElse(null), clockMs.getAsLong())));
  }

  /** Keeps the first {@link #BODY_EXCERPT_BYTES} of a body and stops reading after them. */
  private static final class Excerpt implements HttpResponse.BodySubscriber<String> {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        int take = Math.min(b.remaining(), BODY_EXCERPT_BYTES - kept.size());
        byte[] bytes = new byte[take];
        b.get(bytes);
        kept.write(bytes, 0, take);
      }
      if (kept.size() >= BODY_EXCERPT_BYTES) {
        subscription.cancel();
        onComplete();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(kept.toString(StandardCharsets.UTF_8));
    }
  }
}
