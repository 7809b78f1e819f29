package dev.quorumwatch.node.testing;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on loopback (SubEthaSMTP) that requires STARTTLS, with a certificate of
 * its own test CA, and AUTH with one user; it keeps every message it accepts and can turn the
 * next ones down with a reply code (421, 452, 550) to play a busy or refusing server.
 */
public final class SmtpServer implements AutoCloseable {
  public static final String USER = "alerts";

  /** A message as it arrived (one per DATA, whatever the number of recipients), and the EHLO name. */
  public record Received(String helo, MimeMessage message) {}

  private final SMTPServer server;
  private final TestCertificates certificates;
  private final List<Received> received = new ArrayList<>();
  private final AtomicReference<RejectException> refusing = new AtomicReference<>();

  public SmtpServer(String password, boolean requireTls) throws Exception {
    certificates = new TestCertificates("smtp-test-ca");
    server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
        .enableTLS().requireTLS(requireTls).hideTLS(!requireTls)
        .startTlsSocketFactory(certificates.server("localhost", Duration.ofDays(1)).sslContext())
        .requireAuth(true)
        .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, pass, context) -> {
          if (!USER.equals(user) || !password.equals(pass)) {
            throw new LoginFailedException("535 authentication failed");
          }
        }))
        .messageHandler((context, from, to, data) -> {
          RejectException refusal = refusing.get();
          if (refusal != null) {
            throw refusal;
          }
          try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
            synchronized (received) {
              received.add(new Received(context.getHelo().orElse(""), message));
            }
          } catch (Exception e) {
            throw new RejectException(554, "unreadable message");
          }
        })
        .build();
    server.start();
  }

  public String smarthost() {
    return "127.0.0.1:" + server.getPortAllocated();
  }

  /** The CA that signed the server's certificate, as a PEM file. */
  public java.nio.file.Path writeCaPem(java.nio.file.Path dir) throws Exception {
    return certificates.writeCaPem(dir);
  }

  /** Answer the DATA of the next messages with {@code code} (null: accept again). */
  public void refuse(Integer code, String text) {
    refusing.set(code == null ? null : new RejectException(code, text));
  }

  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
