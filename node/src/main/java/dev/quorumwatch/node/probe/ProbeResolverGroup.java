package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import org.apache.ratis.thirdparty.io.netty.resolver.AddressResolver;
import org.apache.ratis.thirdparty.io.netty.resolver.AddressResolverGroup;
import org.apache.ratis.thirdparty.io.netty.resolver.InetNameResolver;
import org.apache.ratis.thirdparty.io.netty.resolver.InetSocketAddressResolver;
import org.apache.ratis.thirdparty.io.netty.util.NetUtil;
import org.apache.ratis.thirdparty.io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.ratis.thirdparty.io.netty.util.concurrent.EventExecutor;
import org.apache.ratis.thirdparty.io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Resolves the host names of HTTP and TCP probes on threads of their own, never on the probe
 * event loop: a JDK lookup blocks, and a resolver that hangs would otherwise stall every
 * probe of the node and let probes outlive their timeouts. The system's resolution is kept
 * (hosts file, nsswitch, the JDK's cache), so a probe resolves a name as {@code getent hosts}
 * on the same machine does. Every address a name resolves to is checked against
 * {@code deny_networks}; a name with any denied address is refused whole.
 *
 * <p>Probes of one name share one lookup in flight, so a domain whose servers hang holds at
 * most one thread however often it is probed; healthy names wait only once
 * {@link #THREADS} different names hang at the same time. The queue needs no bound of its
 * own: it holds at most one lookup per name.
 */
final class ProbeResolverGroup extends AddressResolverGroup<InetSocketAddress> {
  static final int THREADS = 16;

  /** How a name becomes addresses; the JDK's lookup outside tests. */
  @FunctionalInterface
  interface HostLookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  private final HostLookup lookup;
  private final DeniedNetworks denied;
  private final ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>(), new DefaultThreadFactory("qw-probe-resolve", true));
  private final Map<String, CompletableFuture<InetAddress[]>> inFlight = new ConcurrentHashMap<>();

  ProbeResolverGroup(HostLookup lookup, DeniedNetworks denied) {
    this.lookup = lookup;
    this.denied = denied;
    pool.allowCoreThreadTimeOut(true);
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

  /** The addresses of {@code host}: an address literal at once, a name by the lookup shared for it. */
  private CompletableFuture<InetAddress[]> addresses(String host) {
    InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
    if (literal != null) {
      return CompletableFuture.completedFuture(new InetAddress[] {literal});
    }
    CompletableFuture<InetAddress[]> shared = new CompletableFuture<>();
    CompletableFuture<InetAddress[]> running = inFlight.putIfAbsent(host, shared);
    if (running != null) {
      return running;
    }
    try {
      pool.execute(() -> {
        try {
          shared.complete(lookup.lookup(host));
        } catch (UnknownHostException | RuntimeException e) {
          shared.completeExceptionally(e);
        } finally {
          inFlight.remove(host, shared);
        }
      });
    } catch (RejectedExecutionException closing) {
      inFlight.remove(host, shared);
      shared.completeExceptionally(closing);
    }
    return shared;
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

    private void resolve(String host, Consumer<InetAddress[]> found, Promise<?> promise) {
      addresses(host).whenComplete((all, failure) -> {
        if (failure != null) {
          promise.tryFailure(failure);
          return;
        }
        try {
          denied.checkAddresses(host, all);
          found.accept(all);
        } catch (IOException e) {
          promise.tryFailure(e);
        }
      });
    }
  }
}
