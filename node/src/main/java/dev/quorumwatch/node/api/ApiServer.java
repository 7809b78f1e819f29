package dev.quorumwatch.node.api;

import dev.quorumwatch.node.auth.ApiAuth;
import dev.quorumwatch.node.auth.TokenAuthInterceptor;
import dev.quorumwatch.node.auth.TokenBuckets;
import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.node.tls.TlsFiles;
import org.apache.ratis.thirdparty.io.grpc.Server;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptors;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthGrpc;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC endpoint: the client API (behind bearer tokens when configured), grpc.health.v1
 * and server reflection (so grpcurl works); health and reflection stay open for probes and tools.
 */
public final class ApiServer implements AutoCloseable {
  public static final int MAX_REQUEST_BYTES = 8 << 20;
  public static final int MAX_CALLS_PER_CONNECTION = 100;
  static final long MAX_CONNECTION_IDLE_S = 300;
  private final Server server;
  private final HealthService health = new HealthService();

  /**
   * No tokens in {@code auth}: every caller is served; otherwise the client API needs one of
   * them. With {@code tls}, the API is served over TLS only, with the node's certificate.
   */
  public ApiServer(HostPort listen, QuorumWatchService service, ApiAuth auth, Optional<TlsFiles> tls) {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(listen.socketAddress());
    tls.ifPresent(files -> builder.useTransportSecurity(files.cert().toFile(), files.key().toFile()));
    this.server = builder
        // The largest request is a monitors file: 20,000 targets fit; anything bigger is
        // refused by gRPC (RESOURCE_EXHAUSTED) before it is read.
        .maxInboundMessageSize(MAX_REQUEST_BYTES)
        // Calls (watch streams included) one connection may hold open at once.
        .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
        // A connection that never finishes its (TLS) handshake is closed.
        .handshakeTimeout(10, TimeUnit.SECONDS)
        // So is one without a call for a while (a watch stream counts as a call): connections
        // clients forgot to close do not pile up; a client that calls again reconnects.
        .maxConnectionIdle(MAX_CONNECTION_IDLE_S, TimeUnit.SECONDS)
        .addService(auth.tokens().isEmpty() ? service.bindService()
            : ServerInterceptors.intercept(service, new TokenAuthInterceptor(auth,
                new TokenBuckets(auth.perSecond(), auth.burst(), System::nanoTime))))
        .addService(health)
        .addService(new ReflectionService(List.of(QuorumWatchGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor())))
        .build();
  }

  public void start() throws IOException {
    server.start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("quorumwatch.v1.QuorumWatch", ServingStatus.SERVING);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
  }
}
