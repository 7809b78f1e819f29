package dev.quorumwatch.harness.cluster;

import org.apache.ratis.thirdparty.io.grpc.ConnectivityState;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One API connection per node, kept: the harness asks every node for its status many times
 * a second, and a channel per call left thousands of idle connections on the nodes.
 */
final class ApiChannels implements AutoCloseable {
  private final IntFunction<String> address;
  private final Map<Integer, ManagedChannel> channels = new HashMap<>();
  /** Built once, when the cluster runs TLS: the harness polls every node's status many times a second. */
  private volatile SslContext tls;

  ApiChannels(IntFunction<String> address) {
    this.address = address;
  }

  void useTls(SslContext context) {
    tls = context;
  }

  ManagedChannel channel(int i) {
    ManagedChannel channel;
    synchronized (channels) {
      channel = channels.computeIfAbsent(i, this::open);
    }
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      // A node still starting is polled every few ms: try it now, not after gRPC's backoff.
      channel.resetConnectBackoff();
    }
    return channel;
  }

  private ManagedChannel open(int i) {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address.apply(i));
    if (tls == null) {
      builder.usePlaintext();
    } else {
      builder.sslContext(tls);
    }
    return builder.build();
  }

  /** A restarted node is reached on a new connection, not one that knew the old process. */
  void drop(int i) {
    ManagedChannel channel;
    synchronized (channels) {
      channel = channels.remove(i);
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  @Override
  public void close() {
    synchronized (channels) {
      channels.values().forEach(ManagedChannel::shutdownNow);
      channels.clear();
    }
  }
}
