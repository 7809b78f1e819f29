package dev.quorumwatch.node.receiver;

/**
 * What one attempt to deliver a notification came to. {@code outcome} is one line for logs,
 * `deliveries` and `test-receiver` (an HTTP status with the start of the answer, an SMTP
 * reply, or why nothing was sent); it never holds a secret. {@code retryAfterMs} is the wait
 * the service asked for (HTTP 429 Retry-After, Telegram's retry_after), 0 when it asked none.
 */
public record Delivery(boolean delivered, String outcome, long retryAfterMs) {
  public static Delivery delivered(String outcome) {
    return new Delivery(true, outcome, 0);
  }

  public static Delivery failed(String outcome) {
    return new Delivery(false, outcome, 0);
  }

  public static Delivery failed(String outcome, long retryAfterMs) {
    return new Delivery(false, outcome, retryAfterMs);
  }

  /** An HTTP answer: delivered on 2xx; otherwise failed with the wait it asked for. */
  public static Delivery of(HttpPoster.Answer answer) {
    return new Delivery(answer.ok(), answer.describe(), answer.ok() ? 0 : answer.retryAfterMs());
  }
}
