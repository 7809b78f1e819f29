package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.HttpProbe;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContext;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContextBuilder;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * Client TLS contexts, one per way of trusting servers: the JDK's CAs, a CA file, or (only
 * when a target says {@code verify: false}) anything. Hostnames are always checked when
 * certificates are, against the target's {@code server_name} if it has one.
 */
final class TlsContexts {
  /** How a target trusts its server. */
  record Key(boolean insecure, String caFile) {
    static Key of(HttpProbe spec) {
      return new Key(spec.getTlsInsecure(), spec.getTlsCaFile());
    }

    @Override
    public String toString() {
      return insecure ? "insecure" : caFile.isEmpty() ? "system" : "ca:" + caFile;
    }
  }

  private final Map<Key, SslContext> contexts = new ConcurrentHashMap<>();

  /** A failure to load a CA file surfaces as the probe's TLS failure, naming the file. */
  SslContext context(Key key) throws SSLException {
    SslContext existing = contexts.get(key);
    if (existing != null) {
      return existing;
    }
    SslContextBuilder builder = SslContextBuilder.forClient();
    if (key.insecure()) {
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
    } else {
      builder.endpointIdentificationAlgorithm("HTTPS");
      if (!key.caFile().isEmpty()) {
        try {
          builder.trustManager(new File(key.caFile()));
        } catch (IllegalArgumentException e) {
          throw new SSLException("cannot read CA file " + key.caFile() + ": " + e.getMessage(), e);
        }
      }
    }
    SslContext built = builder.build();
    contexts.put(key, built);
    return built;
  }
}
