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
  /** Never a destination, whatever node.yaml says: "this host" and the unspecified address. */
  static final List<Network> ALWAYS = List.of(parse("0.0.0.0/8"), parse("::/128"));
  /** Cloud instance metadata (AWS, GCP, Azure, ...; AWS's IPv6 one): denied unless node.yaml lists others. */
  public static final List<Network> METADATA = List.of(parse("169.254.169.254/32"), parse("fd00:ec2::254/128"));
  /** Only what is always denied: for tests and tools that talk to loopback. */
  public static final DeniedNetworks NONE = new DeniedNetworks(List.of());
  private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

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

  /** {@code networks} and the ones always denied. */
  public DeniedNetworks(List<Network> networks) {
    List<Network> all = new java.util.ArrayList<>(ALWAYS);
    all.addAll(networks);
    this.networks = List.copyOf(all);
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

  public List<Network> networks() {
    return networks;
  }

  /**
   * The denied network {@code address} is in, if any. An IPv6 address that carries an IPv4
   * one (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64
   * {@code 64:ff9b::a.b.c.d}) is checked as that IPv4 address too: each reaches it.
   */
  public Optional<Network> networkOf(InetAddress address) {
    Optional<InetAddress> embedded = embeddedIpv4(address.getAddress());
    return networks.stream().filter(n -> n.contains(address) || embedded.filter(n::contains).isPresent()).findFirst();
  }

  static Optional<InetAddress> embeddedIpv4(byte[] a) {
    if (a.length != 16) {
      return Optional.empty();
    }
    boolean zeros80 = Arrays.equals(a, 0, 10, new byte[10], 0, 10);
    boolean mapped = zeros80 && a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    boolean compatible = zeros80 && a[10] == 0 && a[11] == 0
        && !Arrays.equals(a, 12, 16, new byte[4], 0, 4) && !(a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] == 1);
    boolean nat64 = Arrays.equals(a, 0, 12, NAT64_PREFIX, 0, 12);
    if (!mapped && !compatible && !nat64) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(a, 12, 16)));
    } catch (UnknownHostException impossible) { // four bytes are always an address
      return Optional.empty();
    }
  }

  /**
   * Resolves {@code host} (blocking, through the JDK's cache) and fails if any of its addresses
   * is denied: for clients that resolve on their own (the JDK's HttpClient), checked just
   * before they connect.
   */
  public void check(String host) throws DeniedAddressException, UnknownHostException {
    resolveAllowed(host);
  }

  /** {@link #check} on {@code executor} (lookups block): fails with a DeniedAddressException. */
  public CompletableFuture<Void> checkAsync(String host, Executor executor) {
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
