package dev.quorumwatch.node.statuspage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.node.auth.TokenHashes;
import dev.quorumwatch.node.http.HttpReplies;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public, token-free side of the HTTP port: {@code /status/<id>}, its Atom feed at
 * {@code /status/<id>/feed.atom}, and badges at {@code /badge/<id>/status.svg} and
 * {@code /badge/<id>/uptime.svg} for items some page lists. Anything a page does not list
 * answers 404 exactly like an id that does not exist, so the public cannot probe for names.
 * Answers are cacheable for {@value #MAX_AGE_S} s and carry an ETag.
 */
public final class PublicPages implements HttpHandler {
  static final int MAX_AGE_S = 30;
  private static final Pattern PAGE = Pattern.compile("/status/([A-Za-z0-9][A-Za-z0-9._-]{0,127})(/feed\\.atom)?");
  private static final Pattern BADGE = Pattern.compile("/badge/([A-Za-z0-9][A-Za-z0-9._-]{0,127})/(status|uptime)\\.svg");

  /** This node's replica, read under its lock (the state machine's {@code read}). */
  public interface Replica {
    <T> T read(Function<Coordinator, T> reader);
  }

  private final Replica replica;

  public PublicPages(Replica replica) {
    this.replica = replica;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      HttpReplies.send(ex, 405, "text/plain", "method not allowed\n");
      return;
    }
    String path = ex.getRequestURI().getPath();
    Matcher page = PAGE.matcher(path);
    Matcher badge = BADGE.matcher(path);
    Optional<Answer> answer = Optional.empty();
    if (page.matches()) {
      boolean feed = page.group(2) != null;
      answer = replica.read(c -> PublicStatus.of(c, page.group(1))).map(s -> feed
          ? new Answer("application/atom+xml; charset=utf-8", IncidentFeed.render(s))
          : new Answer("text/html; charset=utf-8", PublicPageHtml.render(s)));
    } else if (badge.matches()) {
      boolean status = badge.group(2).equals("status");
      answer = replica.read(c -> PublicStatus.badge(c, badge.group(1))).map(item -> new Answer("image/svg+xml",
          status ? Badges.status(item) : Badges.uptime(item)));
    }
    if (answer.isEmpty()) {
      HttpReplies.send(ex, 404, "text/plain", "not found\n");
      return;
    }
    send(ex, answer.get());
  }

  private record Answer(String contentType, String body) {}

  private static void send(HttpExchange ex, Answer a) throws IOException {
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    String etag = "\"" + HexFormat.of().formatHex(TokenHashes.sha256(a.body()), 0, 16) + "\"";
    ex.getResponseHeaders().set("Cache-Control", "public, max-age=" + MAX_AGE_S);
    ex.getResponseHeaders().set("ETag", etag);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    // Nothing but the page's own inline style: no script, no frame, no outside fetch.
    ex.getResponseHeaders().set("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'");
    if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
      ex.sendResponseHeaders(304, -1);
      ex.close();
      return;
    }
    ex.getResponseHeaders().set("Content-Type", a.contentType());
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(200, head ? -1 : bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      if (!head) {
        os.write(bytes);
      }
    }
  }
}
