package dev.quorumwatch.node.repair;

import dev.quorumwatch.node.outbound.DeniedAddressException;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.CommandAction;
import dev.quorumwatch.proto.HttpAction;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.RepairStep;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one repair action within its step's timeout: an HTTP call, or (only where node.yaml
 * allows it) a command. {@code ${NAME}} and {@code ${file:PATH}} in URLs, header values, bodies
 * and arguments come from this node's environment and files at run time, so secrets are never
 * replicated; the result's
 * detail never includes them.
 */
final class RepairActions {
  record Result(boolean ok, String detail) {}

  private final HttpClient http;
  private final ExecutorService blocking;
  private final Set<String> allowedCommands;
  private final Secrets secrets;
  private final DeniedNetworks denied;

  RepairActions(HttpClient http, ExecutorService blocking, Set<String> allowedCommands, Secrets secrets,
      DeniedNetworks denied) {
    this.http = http;
    this.denied = denied;
    this.blocking = blocking;
    this.allowedCommands = Set.copyOf(allowedCommands);
    this.secrets = secrets;
  }

  CompletableFuture<Result> run(RepairStep step) {
    try {
      return switch (step.getActionCase()) {
        case HTTP -> http(step.getHttp(), step.getTimeoutMs());
        case COMMAND -> command(step.getCommand(), step.getTimeoutMs());
        case ACTION_NOT_SET -> CompletableFuture.completedFuture(new Result(false, "no action"));
      };
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Result(false, e.getMessage()));
    }
  }

  private CompletableFuture<Result> http(HttpAction action, long timeoutMs) {
    // Errors below name the field, never its filled-in value: it may hold a secret, and the
    // result is replicated into the repair record, the CLI, backups and logs.
    String url = expand(action.getUrl());
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(url));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(url.equals(action.getUrl()) ? "not a valid URL: " + url
          : "the URL is not a valid URL once its references are filled in");
    }
    request.timeout(Duration.ofMillis(timeoutMs))
        .method(action.getMethod().isEmpty() ? "POST" : action.getMethod(), action.getBody().isEmpty()
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(expand(action.getBody())));
    for (Label header : action.getHeadersList()) {
      try {
        request.header(header.getName(), expand(header.getValue()));
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("environment variable")) {
          throw e;
        }
        throw new IllegalArgumentException("header " + header.getName() + " is not valid once its references are filled in");
      }
    }
    List<Integer> expected = action.getExpectStatusList();
    HttpRequest built = request.build();
    return denied.checkAsync(built.uri().getHost(), blocking)
        .thenCompose(allowed -> http.sendAsync(built, HttpResponse.BodyHandlers.discarding()))
        .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            return new Result(false, cause instanceof DeniedAddressException ? cause.getMessage()
                : cause.getClass().getSimpleName());
          }
          int status = response.statusCode();
          boolean ok = expected.isEmpty() ? status / 100 == 2 : expected.contains(status);
          return new Result(ok, "HTTP " + status);
        });
  }

  private CompletableFuture<Result> command(CommandAction action, long timeoutMs) {
    String program = action.getArgv(0);
    if (!allowedCommands.contains(program)) {
      return CompletableFuture.completedFuture(new Result(false, program
          + " is not among this node's repair.allowed_commands (node.yaml)"));
    }
    List<String> argv = action.getArgvList().stream().map(this::expand).toList();
    return CompletableFuture.supplyAsync(() -> {
      Process process = null;
      try {
        process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          return new Result(false, "timed out after " + timeoutMs + " ms");
        }
        int exit = process.exitValue();
        return new Result(exit == 0, "exit " + exit);
      } catch (IOException e) {
        return new Result(false, "cannot start " + argv.get(0) + ": " + e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        return new Result(false, "interrupted");
      }
    }, blocking);
  }

  /** Replaces ${NAME} and ${file:PATH} from this node; an unset variable is an error, not an empty string. */
  String expand(String text) {
    return secrets.expand(text);
  }
}
