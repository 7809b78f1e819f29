package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.TargetSpec;
import java.util.concurrent.CompletableFuture;

/** Checks one target once. Never completes exceptionally: failures are results. */
public interface Prober {
  CompletableFuture<ProbeResult> probe(TargetSpec target);
}
