package dev.quorumwatch.node.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.ApplyOutcome;
import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.StateCodec;
import dev.quorumwatch.node.alert.Receivers;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.HttpPoster;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.node.receiver.webhook.WebhookSigner;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import dev.quorumwatch.proto.SlackSpec;
import dev.quorumwatch.proto.StateSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node of this version reads what the previous version left in its data directory (its
 * snapshot, then the log entries after it) into the same state, to the digest, and keeps
 * delivering to its webhook receivers; and it refuses the new receiver kinds while members
 * report from the older version, which would reject them.
 */
class UpgradeCompatibilityTest {
  static final String DIR = "/upgrade/v0.1.0-75e707e/";
  static final String SECRET = "upgrade-secret";

  static InputStream resource(String name) {
    InputStream in = UpgradeCompatibilityTest.class.getResourceAsStream(DIR + name);
    assertThat(in).as(name).isNotNull();
    return in;
  }

  record Replayed(Coordinator coordinator, long lastIndex) {}

  static Replayed replay() throws IOException {
    Properties expected = expected();
    Coordinator c;
    try (InputStream in = resource("snapshot.bin")) {
      c = StateCodec.restore(StateSnapshot.parseFrom(in));
    }
    long index = Long.parseLong(expected.getProperty("snapshot_index"));
    List<Command> log = new ArrayList<>();
    try (InputStream in = resource("log-after-snapshot.bin")) {
      Command next;
      while ((next = Command.parseDelimitedFrom(in)) != null) {
        log.add(next);
      }
    }
    assertThat(log).hasSize(6);
    for (Command command : log) {
      ApplyOutcome outcome = c.apply(++index, command);
      assertThat(outcome.accepted()).as(outcome.error()).isTrue();
    }
    return new Replayed(c, index);
  }

  static Properties expected() throws IOException {
    Properties p = new Properties();
    try (InputStream in = resource("expected.txt")) {
      p.load(in);
    }
    return p;
  }

  @Test
  void theOldSnapshotAndLogReadIntoTheSameState() throws Exception {
    Coordinator c = replay().coordinator();
    ReceiverSpec ops = c.monitors().getReceivers(0);
    assertThat(ops.getKindCase()).isEqualTo(ReceiverSpec.KindCase.WEBHOOK);
    assertThat(ops.getWebhook().getUrl()).isEqualTo("${QW_UPGRADE_HOOK}");
    assertThat(ops.getWebhook().getSecretEnv()).isEqualTo("QW_UPGRADE_SECRET");
    assertThat(c.pendingNotifications()).extracting(n -> n.getId() + ":" + n.getStatus())
        .hasToString(expected().getProperty("pending"));
    assertThat(StateCodec.digest(c)).as("an old and a new replica of the same log agree")
        .isEqualTo(expected().getProperty("digest"));
  }

  @Test
  void itsWebhookReceiverStillGetsTheNotificationSigned() throws Exception {
    Notification resolved = replay().coordinator().pendingNotifications().iterator().next();
    try (WebhookReceiver hook = new WebhookReceiver()) {
      Secrets secrets = new Secrets(Map.of("QW_UPGRADE_HOOK", hook.url(), "QW_UPGRADE_SECRET", SECRET)::get);
      SendContext context = new SendContext(new HttpPoster(HttpClient.newHttpClient(), DeniedNetworks.NONE,
          ForkJoinPool.commonPool(), secrets, System::currentTimeMillis), DeniedNetworks.NONE, ForkJoinPool.commonPool(),
          "us-west", System::currentTimeMillis);
      ReceiverSpec ops = replay().coordinator().monitors().getReceivers(0);
      Delivery sent = new Receivers(context, "").send(ops, resolved).get(20, TimeUnit.SECONDS);
      assertThat(sent.delivered()).as(sent.outcome()).isTrue();
      WebhookReceiver.Received r = hook.received().get(0);
      assertThat(r.idempotencyKey()).isEqualTo("ops/g7/1");
      assertThat(r.status()).isEqualTo("resolved");
      assertThat(r.alertname()).isEqualTo("TargetDown");
      String t = r.signature().substring(2, r.signature().indexOf(','));
      assertThat(r.signature()).isEqualTo(WebhookSigner.sign(SECRET, Long.parseLong(t), r.rawBody()));
    }
  }

  @Test
  void newReceiverKindsWaitWhileMembersReportFromTheOlderVersion() throws Exception {
    Replayed old = replay();
    MonitorsSpec withSlack = old.coordinator().monitors().toBuilder().addReceivers(ReceiverSpec.newBuilder()
        .setId("chat").setSlack(SlackSpec.newBuilder().setApiUrl("https://hooks.slack.com/services/x"))).build();
    ApplyOutcome refused = old.coordinator().apply(old.lastIndex() + 1, Command.newBuilder()
        .setAtMs(1_790_000_005_000L).setApplyMonitors(ApplyMonitors.newBuilder().setSpec(withSlack)).build());
    assertThat(refused.accepted()).isFalse();
    assertThat(refused.error()).endsWith("older: eu-west, us-east, us-west");
  }
}
