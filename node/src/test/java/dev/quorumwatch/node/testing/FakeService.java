package dev.quorumwatch.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A stand-in for a notification service (Slack, PagerDuty, ...) on loopback: it checks each
 * request with the service's documented rules (a function returning the problem, or null),
 * answers 400 with that problem as the service would, and otherwise answers the service's
 * usual success, or whatever answers a test queued (429 with Retry-After, 503, a hang).
 */
public final class FakeService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as it arrived. */
  public record Request(long atMs, String method, String path, String query, Headers headers, byte[] body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text(), e);
      }
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.getFirst(name);
    }
  }

  /** An answer: status, headers, body; {@code hangMs} > 0 holds the answer that long first. */
  public record Answer(int status, Map<String, String> headers, String body, long hangMs) {
    public static Answer of(int status, String body) {
      return new Answer(status, Map.of(), body, 0);
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final List<Request> accepted = new ArrayList<>();
  private final Deque<Answer> queued = new ArrayDeque<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Answer always;

  /** {@code problem}: what is wrong with a request by the service's rules, or null. */
  public FakeService(Function<Request, String> problem, Answer success) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      Request r = new Request(System.currentTimeMillis(), ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
          ex.getRequestURI().getQuery(), ex.getRequestHeaders(), ex.getRequestBody().readAllBytes());
      Answer answer;
      synchronized (this) {
        requests.add(r);
        answer = always != null ? always : queued.pollFirst();
      }
      if (answer == null) {
        String wrong = problem.apply(r);
        answer = wrong == null ? success : Answer.of(400, wrong);
        if (wrong == null) {
          synchronized (this) {
            accepted.add(r);
          }
        }
      }
      if (answer.hangMs() > 0) {
        try {
          closing.await(answer.hangMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      answer.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next requests get these answers, in order, before the service's rules apply again. */
  public synchronized FakeService queue(Answer... answers) {
    queued.addAll(List.of(answers));
    return this;
  }

  /** Every request gets {@code answer} (null: back to normal). */
  public void answerAlways(Answer answer) {
    always = answer;
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests that passed the service's rules and got its success answer. */
  public synchronized List<Request> accepted() {
    return List.copyOf(accepted);
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
