package dev.quorumwatch.node.heartbeat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.quorumwatch.node.http.HttpReplies;
import dev.quorumwatch.proto.Ping;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|POST|HEAD /ping/<token>} (success), {@code .../start}, {@code .../fail} and
 * {@code .../<exit code>} (0 is success): a heartbeat target's job reports in. The token is
 * the credential: an unknown one gets 404 with nothing more. The answer comes after the ping
 * is committed, so 200 means recorded; without a leader, or when the write fails, 503, so the
 * job's retry can try another node.
 */
public final class PingEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(PingEndpoint.class);
  /** The body kept with a ping; the rest is not read. */
  public static final int BODY_MAX_BYTES = 10 * 1024;
  private static final Pattern PATH = Pattern.compile("/ping/([A-Za-z0-9_-]{16,128})(?:/(start|fail|\\d{1,3}))?/?");

  private final PingTokens tokens;
  private final PingBatcher batcher;
  private final BooleanSupplier hasLeader;
  private final String nodeId;

  public PingEndpoint(PingTokens tokens, PingBatcher batcher, BooleanSupplier hasLeader, String nodeId) {
    this.tokens = tokens;
    this.batcher = batcher;
    this.hasLeader = hasLeader;
    this.nodeId = nodeId;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("POST") && !method.equals("HEAD")) {
      ex.getResponseHeaders().set("Allow", "GET, POST, HEAD");
      respond(ex, 405, "method not allowed\n");
      return;
    }
    Matcher m = PATH.matcher(ex.getRequestURI().getRawPath());
    Optional<String> target = m.matches() ? tokens.targetOf(m.group(1)) : Optional.empty();
    if (target.isEmpty()) {
      respond(ex, 404, "not found\n");
      return;
    }
    Ping.Builder ping = Ping.newBuilder().setTargetId(target.get()).setNodeId(nodeId).setBody(body(ex));
    String suffix = m.group(2);
    if ("start".equals(suffix)) {
      ping.setKind(Ping.Kind.KIND_START);
    } else if ("fail".equals(suffix)) {
      ping.setKind(Ping.Kind.KIND_FAIL);
    } else if (suffix != null) {
      int exit = Integer.parseInt(suffix);
      if (exit > 255) {
        respond(ex, 404, "not found\n");
        return;
      }
      ping.setKind(exit == 0 ? Ping.Kind.KIND_SUCCESS : Ping.Kind.KIND_FAIL).setExitCode(exit);
    }
    if (!hasLeader.getAsBoolean()) {
      respond(ex, 503, "not recorded: this node has no leader; try another node\n");
      return;
    }
    batcher.submit(ping.build()).whenComplete((ok, error) -> {
      try {
        if (error == null) {
          respond(ex, 200, "OK\n");
        } else {
          log.warn("ping not recorded node={} target={} error=\"{}\"", nodeId, target.get(), error.getMessage());
          respond(ex, 503, "not recorded: the cluster did not commit it in time; try again\n");
        }
      } catch (IOException e) {
        ex.close(); // the job hung up
      }
    });
  }

  private static String body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      return new String(in.readNBytes(BODY_MAX_BYTES), StandardCharsets.UTF_8);
    }
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    HttpReplies.send(ex, status, "text/plain; charset=utf-8", body);
  }
}
