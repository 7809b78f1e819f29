package dev.quorumwatch.node.receiver.email;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.node.http.Markup;
import dev.quorumwatch.node.receiver.AlertMessage;
import dev.quorumwatch.node.receiver.Delivery;
import dev.quorumwatch.node.receiver.KindFields;
import dev.quorumwatch.node.receiver.Receiver;
import dev.quorumwatch.node.receiver.NamedKind;
import dev.quorumwatch.node.receiver.SendContext;
import dev.quorumwatch.node.tls.PemFiles;
import dev.quorumwatch.proto.EmailSpec;
import dev.quorumwatch.proto.ReceiverSpec;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Email over SMTP, with STARTTLS required unless {@code require_tls: false}, and AUTH when a
 * user name is given. The message has a plain-text and an HTML part, and a Message-ID made
 * from the notification's key, so a resend after a leader change is the same message to mail
 * clients that deduplicate. Sent on the node's pool for blocking work, with 10 s timeouts.
 */
public final class EmailKind extends NamedKind {
  static final int TIMEOUT_MS = 10_000;
  static final int MAX_RECIPIENTS = 50;

  public EmailKind() {
    super("email", ReceiverSpec.KindCase.EMAIL);
  }

  @Override
  public void parse(YamlTree mail, ReceiverSpec.Builder receiver) throws ConfigException {
    mail.onlyKeys(Set.of("to", "from", "smarthost", "auth_username", "auth_password", "require_tls", "hello",
        "tls_ca_file", "subject", "text", "html"));
    EmailSpec.Builder spec = EmailSpec.newBuilder();
    List<YamlTree> to = mail.child("to").isText() ? List.of(mail.child("to")) : mail.list("to");
    if (to.isEmpty() || to.size() > MAX_RECIPIENTS) {
      throw mail.child("to").error("expected from 1 to " + MAX_RECIPIENTS + " addresses, got " + to.size());
    }
    for (YamlTree address : to) {
      spec.addTo(address(address));
    }
    spec.setFrom(address(mail.child("from")));
    HostPort smarthost = mail.address("smarthost");
    spec.setSmarthost(smarthost.host() + ":" + smarthost.port());
    spec.setAuthUsername(mail.string("auth_username", ""));
    spec.setAuthPassword(KindFields.secret(mail, "auth_password", false));
    if (spec.getAuthPassword().isEmpty() != spec.getAuthUsername().isEmpty()) {
      throw mail.error("expected auth_username and auth_password together");
    }
    spec.setRequireTls(mail.bool("require_tls", true));
    spec.setHello(mail.string("hello", ""));
    spec.setTlsCaFile(mail.string("tls_ca_file", ""));
    receiver.setEmail(spec);
    receiver.setTemplates(KindFields.templates(mail, "subject", "text", "html"));
  }

  private static String address(YamlTree field) throws ConfigException {
    String text = field.asString();
    try {
      InternetAddress parsed = new InternetAddress(text, true);
      return parsed.toString();
    } catch (AddressException e) {
      throw field.error("expected an email address, got '" + text + "'");
    }
  }

  @Override
  public Receiver create(ReceiverSpec spec, SendContext context) {
    EmailSpec mail = spec.getEmail();
    HostPort smarthost = HostPort.parse(mail.getSmarthost());
    // The session (its TLS trust read from tls_ca_file) is made once per receiver, on the first
    // send that succeeds in making it; a receiver is made again when its spec changes.
    AtomicReference<Session> session = new AtomicReference<>();
    return (n, m) -> context.denied().checkAsync(smarthost.host(), context.blocking())
        .thenApplyAsync(allowed -> send(mail, smarthost, session, m, context), context.blocking());
  }

  private static Delivery send(EmailSpec mail, HostPort smarthost, AtomicReference<Session> made, AlertMessage m,
      SendContext context) {
    try {
      String password = mail.getAuthPassword().isEmpty() ? null : context.http().secrets().expand(mail.getAuthPassword());
      Session session = made.get();
      if (session == null) {
        session = Session.getInstance(properties(mail, smarthost));
        made.set(session);
      }
      MimeMessage message = message(session, mail, m, context.nodeId());
      try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
        transport.connect(smarthost.host(), smarthost.port(), mail.getAuthUsername().isEmpty() ? null
            : mail.getAuthUsername(), password);
        transport.sendMessage(message, message.getAllRecipients());
        return Delivery.delivered("SMTP " + transport.getLastServerResponse().strip());
      }
    } catch (MessagingException e) {
      return Delivery.failed(describe(e));
    } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
      return Delivery.failed(e.getMessage());
    }
  }

  /**
   * An SMTP failure in one line: the server's reply when there was one (a 4xx is transient and
   * retried with backoff like any failure), else what stopped the conversation.
   */
  static String describe(MessagingException e) {
    int code = e instanceof SMTPSendFailedException f ? f.getReturnCode()
        : e instanceof SMTPAddressFailedException a ? a.getReturnCode()
        : e instanceof SMTPSenderFailedException s ? s.getReturnCode() : -1;
    if (e instanceof AuthenticationFailedException) {
      return "SMTP authentication failed: " + oneLine(e.getMessage());
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e.getNextException();
    String why = oneLine(e.getMessage()) + (cause == null || cause == e ? ""
        : " (" + cause.getClass().getSimpleName() + ": " + oneLine(cause.getMessage()) + ")");
    return code > 0 ? "SMTP " + code + ": " + why : "SMTP: " + why;
  }

  private static String oneLine(String text) {
    return text == null ? "" : KindFields.cut(text.replaceAll("\\s+", " ").strip(), 300);
  }

  /** The default HTML part: the plain text, escaped, with the title as heading and a link. */
  static String html(AlertMessage m) {
    String colour = m.firing() ? "#b42318" : "#067647";
    return "<!doctype html><html><body style=\"font-family:sans-serif\">"
        + "<h2 style=\"color:" + colour + "\">" + Markup.escape(m.title()) + "</h2>"
        + "<pre style=\"font-family:inherit;white-space:pre-wrap\">" + Markup.escape(m.text()) + "</pre>"
        + (m.link().isEmpty() ? "" : "<p><a href=\"" + Markup.escape(m.link()) + "\">Status page</a></p>")
        + "</body></html>";
  }

  private static Properties properties(EmailSpec mail, HostPort smarthost) throws IOException,
      GeneralSecurityException {
    Properties p = new Properties();
    p.put("mail.smtp.host", smarthost.host());
    p.put("mail.smtp.port", Integer.toString(smarthost.port()));
    p.put("mail.smtp.connectiontimeout", Integer.toString(TIMEOUT_MS));
    p.put("mail.smtp.timeout", Integer.toString(TIMEOUT_MS));
    p.put("mail.smtp.writetimeout", Integer.toString(TIMEOUT_MS));
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", Boolean.toString(mail.getRequireTls()));
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.smtp.auth", Boolean.toString(!mail.getAuthUsername().isEmpty()));
    if (!mail.getHello().isEmpty()) {
      p.put("mail.smtp.localhost", mail.getHello());
    }
    if (!mail.getTlsCaFile().isEmpty()) {
      p.put("mail.smtp.ssl.socketFactory", trusting(Path.of(mail.getTlsCaFile())).getSocketFactory());
    }
    return p;
  }

  /** A TLS client context that trusts only the certificates in {@code caFile}. */
  private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : PemFiles.certificates(caFile)) {
      trust.setCertificateEntry("ca" + i++, ca);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static MimeMessage message(Session session, EmailSpec mail, AlertMessage m, String nodeId)
      throws MessagingException {
    String messageId = "<" + m.key().replaceAll("[^A-Za-z0-9._-]", ".") + "@quorumwatch>";
    MimeMessage message = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
      }
    };
    message.setFrom(new InternetAddress(mail.getFrom()));
    Address[] to = new Address[mail.getToCount()];
    for (int i = 0; i < to.length; i++) {
      to[i] = new InternetAddress(mail.getTo(i));
    }
    message.setRecipients(jakarta.mail.Message.RecipientType.TO, to);
    message.setSubject(m.title(), "UTF-8");
    message.setHeader("X-QuorumWatch-Key", m.key());
    message.setHeader(SendContext.SENDER_HEADER, nodeId);
    MimeBodyPart text = new MimeBodyPart();
    text.setText(m.text(), "UTF-8");
    MimeBodyPart html = new MimeBodyPart();
    html.setContent(m.html().isEmpty() ? html(m) : m.html(), "text/html; charset=UTF-8");
    message.setContent(new MimeMultipart("alternative", text, html));
    message.saveChanges();
    return message;
  }
}
