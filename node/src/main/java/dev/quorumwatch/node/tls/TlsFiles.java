package dev.quorumwatch.node.tls;

import java.nio.file.Path;

/**
 * A node's TLS material, all PEM: the cluster CA, which signed every member's certificate;
 * this node's certificate (chain) and its PKCS#8 private key. One certificate serves every
 * listener: peers (mutual TLS), the API and the HTTP port (server TLS).
 */
public record TlsFiles(Path ca, Path cert, Path key) {}
