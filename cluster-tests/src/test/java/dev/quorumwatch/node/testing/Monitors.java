package dev.quorumwatch.node.testing;

/**
 * Monitors files for tests: one HTTP target probed every second, thresholds 2; receivers
 * sign with the secret in {@link #SECRET_ENV}, which the cluster tests set to {@link #SECRET} on every node.
 */
public final class Monitors {
  public static final String SECRET_ENV = "QW_TEST_WEBHOOK_SECRET";
  public static final String SECRET = "test-secret-123";

  private Monitors() {}

  public static String oneTarget(String targetId, String targetUrl, String... receiverUrls) {
    StringBuilder yaml = new StringBuilder("""
        targets:
          - id: %s
            http: {url: "%s", expect_status: [200]}
            interval: 1s
            timeout: 800ms
            failure_threshold: 2
            recovery_threshold: 2
            labels: {service: api}
        receivers:
        """.formatted(targetId, targetUrl));
    for (int i = 0; i < receiverUrls.length; i++) {
      yaml.append("  - id: r").append(i).append("\n    webhook: {url: \"").append(receiverUrls[i]).append("\", secret_env: ").append(SECRET_ENV).append("}\n");
    }
    return yaml.toString();
  }
}
