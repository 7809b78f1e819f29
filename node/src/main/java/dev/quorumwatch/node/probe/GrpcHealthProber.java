package dev.quorumwatch.node.probe;

import org.apache.ratis.thirdparty.com.google.common.util.concurrent.FutureCallback;
import org.apache.ratis.thirdparty.com.google.common.util.concurrent.Futures;
import org.apache.ratis.thirdparty.com.google.common.util.concurrent.MoreExecutors;
import dev.quorumwatch.node.outbound.DeniedAddressException;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.proto.GrpcProbe;
import dev.quorumwatch.proto.TargetSpec;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckRequest;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthGrpc;
import org.apache.ratis.thirdparty.io.grpc.netty.GrpcSslContexts;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContextBuilder;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * gRPC health checks ({@code grpc.health.v1.Health/Check}): up when the answer is SERVING.
 * One channel per server and TLS setting, kept open (gRPC reconnects it), so a probe
 * measures the call, not a handshake. gRPC brings its own (shaded) Netty, so these calls run
 * on gRPC's event loop rather than the probe engine's.
 */
final class GrpcHealthProber implements Prober {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final String userAgent;

  private final DeniedNetworks denied;

  GrpcHealthProber(String userAgent, DeniedNetworks denied) {
    this.userAgent = userAgent;
    this.denied = denied;
  }

  @Override
  public CompletableFuture<ProbeResult> probe(TargetSpec target) {
    long startNs = System.nanoTime();
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    GrpcProbe spec = target.getGrpc();
    try {
      // gRPC resolves on its own: checked before each probe (the JDK caches the lookup).
      denied.check(spec.getHost());
    } catch (DeniedAddressException e) {
      result.complete(ProbeResult.failure(FailureClass.ERROR, e.getMessage(), 0));
      return result;
    } catch (UnknownHostException e) {
      result.complete(ProbeResult.failure(FailureClass.DNS, "cannot resolve " + spec.getHost(), 0));
      return result;
    }
    ManagedChannel channel;
    try {
      channel = channels.computeIfAbsent(key(spec), k -> open(spec));
    } catch (IllegalStateException e) {
      result.complete(ProbeResult.failure(FailureClass.TLS, e.getMessage(), 0));
      return result;
    }
    var call = HealthGrpc.newFutureStub(channel).withDeadlineAfter(target.getTimeoutMs(), TimeUnit.MILLISECONDS)
        .check(HealthCheckRequest.newBuilder().setService(spec.getService()).build());
    Futures.addCallback(call, new FutureCallback<HealthCheckResponse>() {
      @Override
      public void onSuccess(HealthCheckResponse response) {
        long latencyMs = (System.nanoTime() - startNs) / 1_000_000;
        result.complete(response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
            ? ProbeResult.success(latencyMs)
            : ProbeResult.failure(FailureClass.NOT_SERVING, response.getStatus().name(), latencyMs));
      }

      @Override
      public void onFailure(Throwable error) {
        long latencyMs = (System.nanoTime() - startNs) / 1_000_000;
        result.complete(failure(error, latencyMs));
      }
    }, MoreExecutors.directExecutor());
    return result;
  }

  static ProbeResult failure(Throwable error, long latencyMs) {
    Status status = error instanceof StatusRuntimeException e ? e.getStatus() : Status.fromThrowable(error);
    String detail = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    String failureClass = switch (status.getCode()) {
      case DEADLINE_EXCEEDED -> FailureClass.TIMEOUT;
      case NOT_FOUND -> FailureClass.NOT_SERVING; // the named service is unknown to the server
      case UNAVAILABLE -> status.getCause() != null ? FailureClass.of(status.getCause()) : FailureClass.REFUSED;
      case RESOURCE_EXHAUSTED -> FailureClass.RATE_LIMITED;
      default -> FailureClass.ERROR;
    };
    return ProbeResult.failure(failureClass, detail, latencyMs);
  }

  private static String key(GrpcProbe spec) {
    return spec.getHost() + ":" + spec.getPort() + "|" + spec.getTls() + "|" + spec.getTlsInsecure() + "|"
        + spec.getTlsCaFile();
  }

  private ManagedChannel open(GrpcProbe spec) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(spec.getHost(), spec.getPort()).userAgent(userAgent);
    if (!spec.getTls()) {
      return builder.usePlaintext().build();
    }
    try {
      SslContextBuilder tls = GrpcSslContexts.forClient();
      if (spec.getTlsInsecure()) {
        tls.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else if (!spec.getTlsCaFile().isEmpty()) {
        tls.trustManager(new File(spec.getTlsCaFile()));
      }
      return builder.sslContext(tls.build()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
