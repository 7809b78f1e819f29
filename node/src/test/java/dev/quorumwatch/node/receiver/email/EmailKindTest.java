package dev.quorumwatch.node.receiver.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.receiver.AlertMessage;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.HttpPoster;
import dev.quorumwatch.node.receiver.ReceiverKinds;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.node.testing.Notifications;
import dev.quorumwatch.node.testing.SmtpServer;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Email through a real SMTP server that requires STARTTLS and AUTH. */
class EmailKindTest {
  static final String PASSWORD = "smtp-pa55word";
  static final Notification FIRING = Notifications.FIRING;

  @TempDir
  Path dir;
  final ExecutorService blocking = Executors.newCachedThreadPool();
  final SendContext context = new SendContext(new HttpPoster(HttpClient.newHttpClient(), DeniedNetworks.NONE, blocking,
      new Secrets(Map.of("QW_SMTP_PASSWORD", PASSWORD, "QW_WRONG", "nope")::get), System::currentTimeMillis),
      DeniedNetworks.NONE, blocking, "us-west", System::currentTimeMillis);
  SmtpServer smtp;

  @AfterEach
  void stop() {
    if (smtp != null) {
      smtp.close();
    }
    blocking.shutdownNow();
  }

  ReceiverSpec receiver(String extra) throws Exception {
    return MonitorsParser.parse("monitors.yaml", "receivers:\n  - id: mail\n    email:\n"
        + "      to: [oncall@example.com, ops@example.com]\n      from: QuorumWatch <qw@example.com>\n"
        + "      smarthost: \"" + smtp.smarthost() + "\"\n      auth_username: " + SmtpServer.USER + "\n"
        + "      hello: qw-us-west.example.com\n      tls_ca_file: \"" + smtp.writeCaPem(dir) + "\"\n" + extra)
        .getReceivers(0);
  }

  Delivery send(ReceiverSpec spec, Notification n) throws Exception {
    return ReceiverKinds.of(spec).create(spec, context)
        .send(n, AlertMessage.of(n, "http://127.0.0.1:9301/", spec.getTemplates())).get(30, TimeUnit.SECONDS);
  }

  @Test
  void theMessageArrivesOverStartTlsWithSubjectBodyAndHeaders() throws Exception {
    smtp = new SmtpServer(PASSWORD, true);
    Delivery sent = send(receiver("      auth_password: \"${QW_SMTP_PASSWORD}\"\n"), FIRING);
    assertThat(sent.delivered()).as(sent.outcome()).isTrue();
    assertThat(sent.outcome()).startsWith("SMTP 250");
    assertThat(smtp.received()).singleElement().satisfies(r -> assertThat(r.helo()).isEqualTo("qw-us-west.example.com"));
    MimeMessage m = smtp.received().get(0).message();
    assertThat(m.getHeader("To", ", ")).isEqualTo("oncall@example.com, ops@example.com");
    assertThat(m.getSubject()).isEqualTo(AlertMessage.FIRING_MARK + " FIRING: 3 targets down: api, web, db");
    assertThat(m.getHeader("X-QuorumWatch-Key", null)).isEqualTo("ops/g1/1");
    assertThat(m.getHeader("Message-ID", null)).as("the same on a resend").isEqualTo("<ops.g1.1@quorumwatch>");
    assertThat(m.getFrom()[0].toString()).isEqualTo("QuorumWatch <qw@example.com>");
    Multipart parts = (Multipart) m.getContent();
    assertThat(parts.getContentType()).startsWith("multipart/alternative");
    assertThat((String) parts.getBodyPart(0).getContent()).contains("regions: us-east, us-west (quorum 2)", "Key: ops/g1/1");
    assertThat((String) parts.getBodyPart(1).getContent()).startsWith("<!doctype html>").contains("incident: inc-8");
  }

  @Test
  void subjectTextAndHtmlTemplatesReplaceTheDefaults() throws Exception {
    smtp = new SmtpServer(PASSWORD, true);
    ReceiverSpec spec = receiver("      auth_password: \"${QW_SMTP_PASSWORD}\"\n      subject: \"[{{status}}] {{count}} alerts\"\n"
        + "      text: \"{{#alerts}}{{name}} {{/alerts}}\"\n      html: \"<b>{{cluster}}</b>\"\n");
    assertThat(send(spec, FIRING).delivered()).isTrue();
    MimeMessage m = smtp.received().get(0).message();
    assertThat(m.getSubject()).isEqualTo("[firing] 3 alerts");
    Multipart parts = (Multipart) m.getContent();
    assertThat((String) parts.getBodyPart(0).getContent()).isEqualTo("api web db ");
    assertThat((String) parts.getBodyPart(1).getContent()).isEqualTo("<b>prod</b>");
  }

  @Test
  void withoutStartTlsNothingIsSentInTheClear() throws Exception {
    smtp = new SmtpServer(PASSWORD, false);
    Delivery refused = send(receiver("      auth_password: \"${QW_SMTP_PASSWORD}\"\n"), FIRING);
    assertThat(refused.delivered()).isFalse();
    assertThat(refused.outcome()).contains("STARTTLS");
    assertThat(smtp.received()).isEmpty();
  }

  @Test
  void aWrongPasswordAndABusyServerAreFailuresThatSayWhyWithoutThePassword() throws Exception {
    smtp = new SmtpServer(PASSWORD, true);
    Delivery wrong = send(receiver("      auth_password: \"${QW_WRONG}\"\n"), FIRING);
    assertThat(wrong.delivered()).isFalse();
    assertThat(wrong.outcome()).startsWith("SMTP authentication failed").doesNotContain("nope");

    smtp.refuse(452, "Too many messages, try again later");
    Delivery busy = send(receiver("      auth_password: \"${QW_SMTP_PASSWORD}\"\n"), FIRING);
    assertThat(busy.delivered()).isFalse();
    assertThat(busy.outcome()).startsWith("SMTP 452").contains("try again later").doesNotContain(PASSWORD);
    smtp.refuse(null, null);
    assertThat(send(receiver("      auth_password: \"${QW_SMTP_PASSWORD}\"\n"), FIRING).delivered()).isTrue();
  }
}
