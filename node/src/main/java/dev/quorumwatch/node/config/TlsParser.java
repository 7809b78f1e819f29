package dev.quorumwatch.node.config;

import dev.quorumwatch.node.tls.PemFiles;
import dev.quorumwatch.node.tls.TlsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * The {@code tls} section of node.yaml: {@code ca}, {@code cert} and {@code key}, PEM files.
 * Checked at start, so that a wrong file is an error naming its field rather than a handshake
 * failing later between two nodes: the certificate must be signed by the CA, and the key must
 * belong to the certificate.
 */
final class TlsParser {
  private TlsParser() {}

  static TlsFiles parse(YamlTree tls, Path base) throws ConfigException {
    tls.onlyKeys(Set.of("ca", "cert", "key"));
    Path ca = tls.path("ca", base);
    Path cert = tls.path("cert", base);
    Path key = tls.path("key", base);
    // Several CAs while one is being replaced by another (docs/security.md, rotation).
    List<X509Certificate> authorities = read(tls, "ca", () -> PemFiles.certificates(ca));
    List<X509Certificate> chain = read(tls, "cert", () -> PemFiles.certificates(cert));
    PrivateKey privateKey = read(tls, "key", () -> PemFiles.privateKey(key));
    X509Certificate top = chain.get(chain.size() - 1);
    if (authorities.stream().noneMatch(authority -> signedBy(top, authority))) {
      throw tls.child("cert").error("expected a certificate signed by the cluster CA (" + ca + "), but " + cert
          + " was issued by " + top.getIssuerX500Principal().getName());
    }
    if (!belongsTo(privateKey, chain.get(0))) {
      throw tls.child("key").error("expected the private key of " + cert + ", but " + key + " is another key");
    }
    return new TlsFiles(ca, cert, key);
  }

  private interface Reading<T> {
    T read() throws IOException;
  }

  private static <T> T read(YamlTree tls, String field, Reading<T> reading) throws ConfigException {
    try {
      return reading.read();
    } catch (IOException e) {
      throw tls.child(field).error("expected a readable PEM file, but " + e.getMessage());
    }
  }

  private static boolean signedBy(X509Certificate cert, X509Certificate authority) {
    try {
      cert.verify(authority.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Signs a few bytes and checks them with the certificate's public key. */
  private static boolean belongsTo(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    byte[] probe = "quorumwatch".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
