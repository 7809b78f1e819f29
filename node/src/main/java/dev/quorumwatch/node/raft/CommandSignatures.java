package dev.quorumwatch.node.raft;

import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import dev.quorumwatch.node.tls.PemFiles;
import dev.quorumwatch.node.tls.TlsFiles;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandSignature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Binds what enters the log to the node that submitted it, with TLS. Every node signs the
 * commands it submits with its own key; the leader, before a command enters the log, checks
 * that the certificate is the cluster CA's, names (CN) a current member, and signed this
 * command, and that a report is from the node it speaks for. So a Raft client without a
 * member's key appends nothing, and a node can't report votes in another region's name.
 */
final class CommandSignatures {
  static final int CERTIFICATE_MAX_BYTES = 16 * 1024;
  private static final int VERIFIED_MAX = 64;

  private final PrivateKey key;
  private final ByteString certificate;
  private final List<X509Certificate> authorities;
  /** Certificates already checked against the CAs, by their DER: the signer's node id. */
  private final Map<ByteString, String> verified = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteString, String> eldest) {
      return size() > VERIFIED_MAX;
    }
  };

  private CommandSignatures(PrivateKey key, X509Certificate certificate, List<X509Certificate> authorities)
      throws GeneralSecurityException {
    this.key = key;
    this.certificate = ByteString.copyFrom(certificate.getEncoded());
    this.authorities = List.copyOf(authorities);
  }

  static CommandSignatures of(TlsFiles tls) throws IOException {
    try {
      return new CommandSignatures(PemFiles.privateKey(tls.key()), PemFiles.certificates(tls.cert()).get(0),
          PemFiles.certificates(tls.ca()));
    } catch (GeneralSecurityException e) {
      throw new IOException("the node's certificate cannot be encoded: " + e.getMessage(), e);
    }
  }

  Command sign(Command command) {
    try {
      Signature signer = Signature.getInstance(algorithm(key.getAlgorithm()));
      signer.initSign(key);
      signer.update(signed(command));
      return command.toBuilder().setSignature(CommandSignature.newBuilder().setCertificate(certificate)
          .setValue(ByteString.copyFrom(signer.sign()))).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with the node's own key failed: " + e.getMessage(), e);
    }
  }

  /** Null when {@code command} may enter the log, else why not. */
  String refusal(Command command, Set<String> members) {
    if (!command.hasSignature()) {
      return "not signed by a member: with TLS, commands come from the cluster's nodes only";
    }
    CommandSignature signature = command.getSignature();
    if (signature.getCertificate().size() > CERTIFICATE_MAX_BYTES) {
      return "signer's certificate too large";
    }
    String signer;
    X509Certificate cert;
    try {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(signature.getCertificate().toByteArray()));
      cert.checkValidity();
      signer = signerOf(signature.getCertificate(), cert);
    } catch (GeneralSecurityException e) {
      return "signer's certificate not accepted: " + e.getMessage();
    }
    if (signer == null) {
      return "signer's certificate is not from the cluster CA or names no node (CN)";
    }
    if (!members.contains(signer)) {
      return "signed by " + signer + ", which is not a member";
    }
    if (command.hasReportView() && !command.getReportView().getNodeId().equals(signer)) {
      return "a report for " + command.getReportView().getNodeId() + " signed by " + signer;
    }
    try {
      Signature check = Signature.getInstance(algorithm(cert.getPublicKey().getAlgorithm()));
      check.initVerify(cert.getPublicKey());
      check.update(signed(command));
      return check.verify(signature.getValue().toByteArray()) ? null : "signature does not match the command";
    } catch (GeneralSecurityException e) {
      return "signature not accepted: " + e.getMessage();
    }
  }

  /** The node a CA-issued certificate names, or null. */
  private synchronized String signerOf(ByteString der, X509Certificate cert) {
    String known = verified.get(der);
    if (known != null) {
      return known;
    }
    boolean issued = false;
    for (X509Certificate ca : authorities) {
      issued |= verifies(cert, ca.getPublicKey());
    }
    String name = issued ? commonName(cert) : null;
    if (name != null) {
      verified.put(der, name);
    }
    return name;
  }

  private static boolean verifies(X509Certificate cert, PublicKey ca) {
    try {
      cert.verify(ca);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The certificate's CN: the node id, in certificates made by make-certs.sh. */
  static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  /** What is signed: the command as submitted, without the time the leader stamps and the signature. */
  private static byte[] signed(Command command) {
    return command.toBuilder().clearAtMs().clearSignature().build().toByteArray();
  }

  private static String algorithm(String keyAlgorithm) {
    return keyAlgorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
  }
}
