package dev.quorumwatch.node.repair;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one repair action within its step's timeout: an HTTP call, or (only where node.yaml
 * allows it) a command. {@code ${NAME}} in URLs, header values, bodies and arguments comes
 * from this node's environment at run time, so secrets are never replicated; the result's
 * detail never includes them.
 */
final class RepairActions {
  record Result(boolean ok, String detail) {}

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final HttpClient http;
  private final ExecutorService blocking;
  private final boolean commandsAllowed;
  private final UnaryOperator<String> env;

  RepairActions(HttpClient http, ExecutorService blocking, boolean commandsAllowed, UnaryOperator<String> env) {
    this.http = http;
    this.blocking = blocking;
    this.commandsAllowed = commandsAllowed;
    this.env = env;
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
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(expand(action.getUrl())))
        .timeout(Duration.ofMillis(timeoutMs))
        .method(action.getMethod().isEmpty() ? "POST" : action.getMethod(), action.getBody().isEmpty()
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(expand(action.getBody())));
    for (Label header : action.getHeadersList()) {
      request.header(header.getName(), expand(header.getValue()));
    }
    List<Integer> expected = action.getExpectStatusList();
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            return new Result(false, cause.getClass().getSimpleName());
          }
          int status = response.statusCode();
          boolean ok = expected.isEmpty() ? status / 100 == 2 : expected.contains(status);
          return new Result(ok, "HTTP " + status);
        });
  }

  private CompletableFuture<Result> command(CommandAction action, long timeoutMs) {
    if (!commandsAllowed) {
      return CompletableFuture.completedFuture(new Result(false,
          "commands are not allowed on this node (node.yaml: repair: {allow_commands: true})"));
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

  /** Replaces ${NAME} from the environment; an unset variable is an error, not an empty string. */
  String expand(String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("environment variable " + m.group(1) + " is not set on this node");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
