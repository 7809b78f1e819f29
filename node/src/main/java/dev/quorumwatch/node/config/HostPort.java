package dev.quorumwatch.node.config;

import java.net.InetSocketAddress;

/** A {@code host:port} pair as written in configuration files. */
public record HostPort(String host, int port) {
  /** Parses {@code host:port}; null when malformed. */
  public static HostPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return null;
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return null;
      }
      return new HostPort(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
