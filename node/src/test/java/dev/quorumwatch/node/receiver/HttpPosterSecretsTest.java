package dev.quorumwatch.node.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.node.testing.WebhookReceiver;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A receiver URL's references are filled in when sending, and no error tells what they stand for. */
class HttpPosterSecretsTest {
  static final String PATH_SECRET = "T0A1/p4th-s3cr3t";
  static final byte[] BODY = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[]}".getBytes(StandardCharsets.UTF_8);

  final WebhookReceiver receiver = new WebhookReceiver();
  final Map<String, String> env = Map.of("QW_HOOK_PATH", PATH_SECRET, "QW_BAD_HOST", "exa mple^" + PATH_SECRET);
  final HttpPoster sender = new HttpPoster(HttpClient.newHttpClient(), DeniedNetworks.NONE,
      ForkJoinPool.commonPool(), new Secrets(env::get), System::currentTimeMillis);

  HttpPosterSecretsTest() throws Exception {}

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void theReferenceIsFilledInOnTheWayOut() throws Exception {
    int status = sender.post(receiver.url() + "/${QW_HOOK_PATH}", "application/json", BODY, Map.of())
        .get(10, TimeUnit.SECONDS).status();
    assertThat(status).isEqualTo(200);
    assertThat(receiver.received()).singleElement()
        .satisfies(r -> assertThat(r.path()).isEqualTo("/alerts/" + PATH_SECRET));
  }

  @Test
  void failuresNameTheReferenceNeverItsValue() {
    assertThatThrownBy(() -> sender.post(receiver.url() + "/${QW_UNSET}", "application/json", BODY, Map.of()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("environment variable QW_UNSET is not set on this node");
    assertThatThrownBy(() -> sender.post("http://${QW_BAD_HOST}/alerts", "application/json", BODY, Map.of()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("not a valid URL once its references are filled in")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PATH_SECRET));
    assertThat(receiver.received()).isEmpty();
  }
}
