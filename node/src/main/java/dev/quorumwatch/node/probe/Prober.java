package dev.quorumwatch.node.probe;

import dev.quorumwatch.proto.TargetSpec;
import java.util.concurrent.CompletableFuture;

/** Checks one target once. Never completes exceptionally: failures are results. */
public interface Prober extends AutoCloseable {
  CompletableFuture<ProbeResult> probe(TargetSpec target);

  /** Releases what the prober holds beyond the shared event loops (pooled connections, channels). */
  @Override
  default void close() {}
}
