package dev.quorumwatch.node.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Certificates and private keys in the PEM files openssl writes. */
public final class PemFiles {
  private static final Pattern PKCS8 = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemFiles() {}

  /** Every certificate in {@code file}, in order (a chain starts with the leaf). */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))
          .stream().map(X509Certificate.class::cast).toList();
      if (certs.isEmpty()) {
        throw new IOException(file + " holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
      }
      return certs;
    } catch (CertificateException e) {
      throw new IOException(file + " is not a PEM certificate: " + e.getMessage());
    }
  }

  /** The PKCS#8 key in {@code file} ({@code -----BEGIN PRIVATE KEY-----}), RSA, EC or EdDSA. */
  public static PrivateKey privateKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher pem = PKCS8.matcher(text);
    if (!pem.find()) {
      String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
          ? " (this one is in the older PKCS#1/SEC1 form: convert it with openssl pkcs8 -topk8 -nocrypt)"
          : text.contains("ENCRYPTED") ? " (this one is encrypted: the node has no passphrase to open it)" : "";
      throw new IOException(file + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----)" + hint);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem.group(1).strip()));
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException notThisOne) {
        // the PKCS#8 envelope names its algorithm; trying the few we accept is simpler than parsing it
      }
    }
    throw new IOException(file + " holds a key of an algorithm other than " + KEY_ALGORITHMS);
  }
}
