package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.TargetSpec;
import org.apache.ratis.thirdparty.io.netty.bootstrap.Bootstrap;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelOption;
import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.channel.nio.NioEventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.channel.socket.nio.NioSocketChannel;
import org.apache.ratis.thirdparty.io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one Netty event loop group every probe of this node runs on, and the probers built on
 * it. Probes never block a thread: connects, TLS, requests and timeouts are all events.
 */
public final class ProbeEngine implements AutoCloseable {
  private final EventLoopGroup group;
  private final Map<TargetSpec.ProbeCase, Prober> probers = new EnumMap<>(TargetSpec.ProbeCase.class);
  private final ProbeResolverGroup resolvers;
  private final LoopStalls stalls;

  /**
   * {@code nodeId}: names this node in the engine's log lines; {@code denied}: networks no
   * probe may connect to (node.yaml deny_networks); {@code secrets}: what references in probe
   * headers may read (node.yaml secrets).
   */
  public ProbeEngine(String nodeId, int threads, String userAgent, DeniedNetworks denied, Secrets secrets) {
    this(nodeId, threads, userAgent, denied, secrets, InetAddress::getAllByName);
  }

  /** With the default secrets allowance: for tests and the probe benchmark. */
  public ProbeEngine(int threads, String userAgent, DeniedNetworks denied) {
    this("local", threads, userAgent, denied, new Secrets(System::getenv));
  }

  ProbeEngine(String nodeId, int threads, String userAgent, DeniedNetworks denied, Secrets secrets,
      ProbeResolverGroup.HostLookup lookup) {
    this.resolvers = new ProbeResolverGroup(lookup, denied);
    this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("qw-probe", true));
    this.stalls = new LoopStalls(nodeId, group);
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .resolver(resolvers); // denied networks are checked at connect time, on the address dialled
    ProbeContext context = new ProbeContext(group, bootstrap, userAgent, denied, secrets);
    for (ProbeKind kind : ProbeKinds.ALL) {
      probers.put(kind.probeCase(), kind.create(context));
    }
  }

  /** The prober for a target's kind of probe; every kind but "not set" has one (the coordinator refuses that). */
  public Prober proberFor(TargetSpec target) {
    Prober prober = probers.get(target.getProbeCase());
    if (prober == null) {
      throw new IllegalArgumentException("target " + target.getId() + " has no probe this node knows");
    }
    return prober;
  }

  /** When the probe loops were held up: a timeout across such a stall is not the target's. */
  public ProbeScheduler.StallSource stalls() {
    return stalls;
  }

  /** The probe loops themselves: tests hold them up to make a stall. */
  EventLoopGroup group() {
    return group;
  }

  public Prober http() {
    return probers.get(TargetSpec.ProbeCase.HTTP);
  }

  public Prober tcp() {
    return probers.get(TargetSpec.ProbeCase.TCP);
  }

  @Override
  public void close() {
    probers.values().forEach(Prober::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    resolvers.close();
  }
}
