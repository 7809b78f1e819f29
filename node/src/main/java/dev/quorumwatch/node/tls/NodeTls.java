package dev.quorumwatch.node.tls;

import org.apache.ratis.thirdparty.io.grpc.netty.GrpcSslContexts;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/** Where a node's TLS files are put to use: its Raft peers, its API and HTTP listeners, its clients. */
public final class NodeTls {
  private NodeTls() {}

  /**
   * Mutual TLS on the Raft port, for the server and for this node's own Raft clients (they
   * reach the leader on the same port): a peer must present a certificate signed by the
   * cluster CA to append, vote or be added, and this node checks every peer the same way.
   */
  public static Parameters ratisParameters(TlsFiles tls) {
    GrpcTlsConfig mutual = new GrpcTlsConfig(tls.key().toFile(), tls.cert().toFile(), tls.ca().toFile(), true);
    Parameters parameters = new Parameters();
    GrpcConfigKeys.Server.setTlsConf(parameters, mutual);
    GrpcConfigKeys.Admin.setTlsConf(parameters, mutual);
    GrpcConfigKeys.Client.setTlsConf(parameters, mutual);
    return parameters;
  }

  /** Server TLS for the HTTP port (/metrics, /healthz, the status page). */
  public static SSLContext httpsContext(TlsFiles tls) throws IOException {
    List<X509Certificate> chain = PemFiles.certificates(tls.cert());
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] noPassword = new char[0];
      store.setKeyEntry("node", PemFiles.privateKey(tls.key()), noPassword, chain.toArray(new Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, noPassword);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + tls.cert() + " and " + tls.key() + " for HTTPS: " + e.getMessage(), e);
    }
  }

  /** A client's view of a TLS API: the server's certificate must chain to {@code ca}. */
  public static SslContext clientContext(Path ca) throws IOException {
    try {
      return GrpcSslContexts.forClient().trustManager(ca.toFile()).build();
    } catch (IllegalArgumentException | IOException e) {
      throw new IOException("cannot use " + ca + " as a CA certificate: " + e.getMessage(), e);
    }
  }
}
