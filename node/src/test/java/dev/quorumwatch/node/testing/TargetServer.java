package dev.quorumwatch.node.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP target on loopback. It can be down for everyone, or only for the probes of
 * chosen nodes (recognised by the {@code node=<id>} in their User-Agent), or rate limit
 * everyone (429 with Retry-After).
 */
public final class TargetServer implements AutoCloseable {
  private static final Pattern NODE = Pattern.compile("node=([^;)]+)");
  private final HttpServer server;
  private final AtomicBoolean up = new AtomicBoolean(true);
  /** Seconds a 429 asks the probes to wait; 0: not rate limiting. */
  private final AtomicInteger retryAfterSeconds = new AtomicInteger();
  private final Set<String> downForNodes = ConcurrentHashMap.newKeySet();
  private final Set<String> userAgentsSeen = ConcurrentHashMap.newKeySet();
  private final Set<String> authorizationsSeen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();

  public TargetServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/health", ex -> {
      requests.incrementAndGet();
      String ua = String.valueOf(ex.getRequestHeaders().getFirst("User-Agent"));
      userAgentsSeen.add(ua);
      String authorization = ex.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        authorizationsSeen.add(authorization);
      }
      Matcher m = NODE.matcher(ua);
      boolean failForThisNode = m.find() && downForNodes.contains(m.group(1));
      int retryAfter = retryAfterSeconds.get();
      if (retryAfter > 0) {
        ex.getResponseHeaders().set("Retry-After", Integer.toString(retryAfter));
      }
      int status = retryAfter > 0 ? 429 : up.get() && !failForThisNode ? 200 : 503;
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  public void setUp(boolean value) {
    up.set(value);
  }

  /** Answers every probe 429 with {@code Retry-After: seconds}; 0 ends it. */
  public void rateLimit(int seconds) {
    retryAfterSeconds.set(seconds);
  }

  public void setDownOnlyFor(Set<String> nodeIds) {
    downForNodes.clear();
    downForNodes.addAll(nodeIds);
  }

  public Set<String> userAgentsSeen() {
    return Set.copyOf(userAgentsSeen);
  }

  /** How many requests reached it. */
  public int requests() {
    return requests.get();
  }

  /** Every Authorization header value a probe or a repair action sent. */
  public Set<String> authorizationsSeen() {
    return Set.copyOf(authorizationsSeen);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
