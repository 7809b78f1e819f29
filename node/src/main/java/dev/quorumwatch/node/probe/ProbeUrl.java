package dev.quorumwatch.node.probe;

import java.net.URI;

/** A URL split once into what each probe needs. */
record ProbeUrl(String text, String origin, String host, int port, boolean https, String pathAndQuery,
    String hostHeader) {
  static ProbeUrl parse(String text) {
    URI uri = URI.create(text);
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    if (uri.getHost() == null || !(https || "http".equalsIgnoreCase(uri.getScheme()))) {
      throw new IllegalArgumentException("not an http(s) URL: " + text);
    }
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String hostHeader = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + port;
    return new ProbeUrl(text, uri.getScheme() + "://" + uri.getHost() + ":" + port, uri.getHost(), port, https, path,
        hostHeader);
  }
}
