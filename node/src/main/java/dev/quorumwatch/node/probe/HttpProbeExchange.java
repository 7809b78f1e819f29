package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.Label;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One probe: a request in flight on one channel, with the probe's one deadline. */
final class HttpProbeExchange {
  final CompletableFuture<ProbeResult> result;
  final HttpProbe spec;
  final ConnectionRoute route;
  final long startNs;
  final long timeoutMs;
  final int hops;
  final boolean fresh;
  /** The spec's headers with secrets filled in from this node; never logged or reported. */
  final List<Label> headers;
  boolean onReusedConnection;
  int status;
  boolean keepAlive;
  String location;
  String retryAfter;
  ByteArrayOutputStream body;

  HttpProbeExchange(CompletableFuture<ProbeResult> result, HttpProbe spec, List<Label> headers, ConnectionRoute route, long startNs,
      long timeoutMs, int hops) {
    this.result = result;
    this.headers = headers;
    this.spec = spec;
    this.route = route;
    this.startNs = startNs;
    this.timeoutMs = timeoutMs;
    this.hops = hops;
    this.fresh = spec.getFreshConnection();
    this.body = BodyCheck.needsBody(spec) ? new ByteArrayOutputStream() : null;
  }

  long latencyMs() {
    return (System.nanoTime() - startNs) / 1_000_000;
  }

  long remainingMs() {
    return timeoutMs - latencyMs();
  }
}
