package dev.quorumwatch.node.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in for a deployment platform's API: records every call ({@code POST /<action>/<target>})
 * with its arrival time, and runs what the test says an action does (bring the target back).
 */
public final class PlatformServer implements AutoCloseable {
  public record Call(long atMs, String action, String target) {}

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Runnable> effects = new ConcurrentHashMap<>();

  public PlatformServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "platform-server");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", exchange -> {
      String[] parts = exchange.getRequestURI().getPath().split("/");
      String action = parts.length > 1 ? parts[1] : "";
      String target = parts.length > 2 ? parts[2] : "";
      calls.add(new Call(System.currentTimeMillis(), action, target));
      Runnable effect = effects.get(action + "/" + target);
      if (effect != null) {
        effect.run();
      }
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    server.start();
  }

  /** The base URL, e.g. http://127.0.0.1:PORT */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** What calling {@code action} for {@code target} does, besides being recorded. */
  public void onCall(String action, String target, Runnable effect) {
    effects.put(action + "/" + target, effect);
  }

  public List<Call> calls(String target) {
    return calls.stream().filter(c -> c.target().equals(target)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
