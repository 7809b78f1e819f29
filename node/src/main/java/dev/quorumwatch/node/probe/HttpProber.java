package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.TargetSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** HTTP(S) GET with the expected status codes; connections are kept alive between probes. */
public final class HttpProber implements Prober {
  private final HttpClient client;
  private final String userAgent;

  public HttpProber(HttpClient client, String userAgent) {
    this.client = client;
    this.userAgent = userAgent;
  }

  @Override
  public CompletableFuture<ProbeResult> probe(TargetSpec target) {
    HttpProbe spec = target.getHttp();
    long startNs = System.nanoTime();
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(spec.getUrl()))
          .timeout(Duration.ofMillis(target.getTimeoutMs()))
          .header("User-Agent", userAgent)
          .GET()
          .build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(ProbeResult.failure(FailureClass.ERROR, e.getMessage(), 0));
    }
    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .orTimeout(target.getTimeoutMs(), TimeUnit.MILLISECONDS)
        .handle((response, error) -> {
          long latencyMs = (System.nanoTime() - startNs) / 1_000_000;
          if (error != null) {
            return ProbeResult.failure(FailureClass.of(error), FailureClass.describe(error), latencyMs);
          }
          int status = response.statusCode();
          if (spec.getExpectStatusList().contains(status)) {
            return ProbeResult.success(latencyMs);
          }
          String failureClass = status == 429 ? FailureClass.RATE_LIMITED : FailureClass.HTTP_STATUS;
          return ProbeResult.failure(failureClass, "HTTP " + status, latencyMs);
        });
  }
}
