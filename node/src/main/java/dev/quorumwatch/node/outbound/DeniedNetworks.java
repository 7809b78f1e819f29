package dev.quorumwatch.node.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * node.yaml's {@code deny_networks}: networks no probe, webhook or repair action of this node
 * may connect to (cloud metadata at 169.254.169.254, the node's own network...), whatever an
 * admin token applied. A name is checked by what it resolves to, so a name pointing into a
 * denied network is refused like the address itself.
 */
public final class DeniedNetworks {
  public static final DeniedNetworks NONE = new DeniedNetworks(List.of());

  /** One network: an address and how many leading bits of it count. */
  public record Network(String text, byte[] address, int prefixBits) {
    boolean contains(InetAddress a) {
      byte[] bytes = a.getAddress();
      if (bytes.length != address.length) {
        return false;
      }
      int whole = prefixBits / 8;
      if (!Arrays.equals(bytes, 0, whole, address, 0, whole)) {
        return false;
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (bytes[whole] & mask) == (address[whole] & mask);
    }
  }

  private final List<Network> networks;

  public DeniedNetworks(List<Network> networks) {
    this.networks = List.copyOf(networks);
  }

  /**
   * Parses {@code 169.254.0.0/16}, {@code fd00::/8} or a single address; a message saying what
   * was expected otherwise.
   */
  public static Network parse(String cidr) {
    int slash = cidr.indexOf('/');
    String host = slash < 0 ? cidr : cidr.substring(0, slash);
    if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      throw new IllegalArgumentException("expected a network such as 169.254.0.0/16 or fd00::/8, got '" + cidr + "'");
    }
    byte[] address;
    try {
      address = InetAddress.getByName(host).getAddress(); // a literal: never a DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("expected a network such as 169.254.0.0/16 or fd00::/8, got '" + cidr + "'");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("expected a prefix length from 0 to " + bits + " in '" + cidr + "'");
      }
    }
    return new Network(cidr, address, prefix);
  }

  public boolean isEmpty() {
    return networks.isEmpty();
  }

  public List<Network> networks() {
    return networks;
  }

  /** The denied network {@code address} is in, if any. */
  public Optional<Network> networkOf(InetAddress address) {
    return networks.stream().filter(n -> n.contains(address)).findFirst();
  }

  /**
   * Resolves {@code host} (blocking, through the JDK's cache) and fails if any of its addresses
   * is denied: for clients that resolve on their own (the JDK's HttpClient), checked just
   * before they connect.
   */
  public void check(String host) throws DeniedAddressException, UnknownHostException {
    if (!networks.isEmpty()) {
      resolveAllowed(host);
    }
  }

  /** {@link #check} on {@code executor} (lookups block): fails with a DeniedAddressException. */
  public CompletableFuture<Void> checkAsync(String host, Executor executor) {
    if (networks.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> {
      try {
        resolveAllowed(host);
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  /** Every address of {@code host}; none of them may be denied. */
  private void resolveAllowed(String host) throws DeniedAddressException, UnknownHostException {
    checkAddresses(host, InetAddress.getAllByName(host));
  }

  /** Fails if any address {@code host} resolved to is in a denied network: the name is refused whole. */
  public void checkAddresses(String host, InetAddress... addresses) throws DeniedAddressException {
    for (InetAddress a : addresses) {
      checkAddress(host, a);
    }
  }

  /** Fails if {@code address} (what {@code host} stands for) is in a denied network. */
  public void checkAddress(String host, InetAddress address) throws DeniedAddressException {
    Optional<Network> denied = networkOf(address);
    if (denied.isPresent()) {
      throw new DeniedAddressException(host, address, denied.get().text());
    }
  }
}
