package dev.quorumwatch.node.probe;

/** Where a connection goes and how it is secured: connections are pooled per route. */
record ConnectionRoute(ProbeUrl url, TlsContexts.Key tlsKey, String serverName) {
  String poolKey() {
    return url.origin() + (url.https() ? "|" + tlsKey + "|" + serverName : "");
  }
}
