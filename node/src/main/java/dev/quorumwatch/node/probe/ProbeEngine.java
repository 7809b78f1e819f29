package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.TargetSpec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The one Netty event loop group every probe of this node runs on, and the probers built on
 * it. Probes never block a thread: connects, TLS, requests and timeouts are all events.
 */
public final class ProbeEngine implements AutoCloseable {
  private final EventLoopGroup group;
  private final HttpProber http;
  private final TcpProber tcp;
  private final GrpcHealthProber grpc;
  private final DnsProber dns;
  private final ProbeResolverGroup resolvers;

  /**
   * {@code denied}: networks no probe may connect to (node.yaml deny_networks); {@code secrets}:
   * what references in probe headers may read (node.yaml secrets).
   */
  public ProbeEngine(int threads, String userAgent, DeniedNetworks denied, Secrets secrets) {
    this(threads, userAgent, denied, secrets, InetAddress::getAllByName);
  }

  /** With the default secrets allowance: for tests and the probe benchmark. */
  public ProbeEngine(int threads, String userAgent, DeniedNetworks denied) {
    this(threads, userAgent, denied, new Secrets(System::getenv));
  }

  ProbeEngine(int threads, String userAgent, DeniedNetworks denied, Secrets secrets,
      ProbeResolverGroup.HostLookup lookup) {
    this.resolvers = new ProbeResolverGroup(lookup, denied);
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("qw-probe", true), NioIoHandler.newFactory());
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .resolver(resolvers); // denied networks are checked at connect time, on the address dialled
    this.http = new HttpProber(bootstrap, userAgent, secrets);
    this.tcp = new TcpProber(bootstrap);
    this.grpc = new GrpcHealthProber(userAgent, denied);
    this.dns = new DnsProber(group, denied);
  }

  /** The prober for a target's kind of probe. */
  public Prober proberFor(TargetSpec target) {
    return switch (target.getProbeCase()) {
      case HTTP -> http;
      case GRPC -> grpc;
      case DNS -> dns;
      default -> tcp;
    };
  }

  public Prober http() {
    return http;
  }

  public Prober tcp() {
    return tcp;
  }

  @Override
  public void close() {
    http.close();
    grpc.close();
    dns.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    resolvers.close();
  }
}
