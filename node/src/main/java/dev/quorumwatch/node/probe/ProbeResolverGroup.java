package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Resolves the host names of HTTP and TCP probes on a few threads of their own, never on the
 * probe event loop: a JDK lookup blocks, and a resolver that hangs would otherwise stall
 * every probe of the node and let probes outlive their timeouts. The system's resolution is
 * kept (hosts file, nsswitch, the JDK's cache). Every address a name resolves to is checked
 * against {@code deny_networks}; a name with any denied address is refused whole.
 *
 * <p>The queue needs no bound of its own: lookups are asked for by probes, and probes in
 * flight are bounded by the scheduler. A lookup still queued when its probe timed out runs
 * anyway and fills the JDK's cache for the next probe.
 */
final class ProbeResolverGroup extends AddressResolverGroup<InetSocketAddress> {
  static final int THREADS = 4;

  /** How a name becomes addresses; the JDK's lookup outside tests. */
  @FunctionalInterface
  interface HostLookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  private final HostLookup lookup;
  private final DeniedNetworks denied;
  private final ExecutorService pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>(), new DefaultThreadFactory("qw-probe-resolve", true));

  ProbeResolverGroup(HostLookup lookup, DeniedNetworks denied) {
    this.lookup = lookup;
    this.denied = denied;
    ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new InetSocketAddressResolver(executor, new OffLoopNameResolver(executor));
  }

  @Override
  public void close() {
    super.close();
    pool.shutdownNow();
  }

  private final class OffLoopNameResolver extends InetNameResolver {
    OffLoopNameResolver(EventExecutor executor) {
      super(executor);
    }

    @Override
    protected void doResolve(String host, Promise<InetAddress> promise) {
      resolve(host, all -> promise.trySuccess(all[0]), promise);
    }

    @Override
    protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
      resolve(host, all -> promise.trySuccess(List.of(all)), promise);
    }

    /** An address literal on the spot (no lookup to wait for), a name on the pool. */
    private void resolve(String host, Consumer<InetAddress[]> found, Promise<?> promise) {
      InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
      if (literal != null) {
        settle(host, h -> new InetAddress[] {literal}, found, promise);
        return;
      }
      try {
        pool.execute(() -> settle(host, lookup, found, promise));
      } catch (RejectedExecutionException closing) {
        promise.tryFailure(closing);
      }
    }

    private void settle(String host, HostLookup how, Consumer<InetAddress[]> found, Promise<?> promise) {
      try {
        InetAddress[] all = how.lookup(host);
        for (InetAddress a : all) {
          denied.checkAddress(host, a);
        }
        found.accept(all);
      } catch (IOException e) {
        promise.tryFailure(e);
      }
    }
  }
}
