package dev.quorumwatch.node.outbound;

import java.io.IOException;
import java.net.InetAddress;

/** A connection refused by this node itself: the address is in one of its deny_networks. */
public final class DeniedAddressException extends IOException {
  public DeniedAddressException(String host, InetAddress address, String network) {
    super(host + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
        + " is in denied network " + network + " (node.yaml deny_networks)");
  }
}
