package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.proto.TargetSpec;

/**
 * A kind of probe (http, tcp, grpc, dns): its key in a target of the monitors file, how its
 * block is read into the replicated spec, and the prober that checks targets of it. Adding a
 * kind is one class implementing this, a field in {@code TargetSpec}'s probe oneof, an entry
 * in {@link ProbeKinds} and a section in docs/probes.md.
 */
public interface ProbeKind {
  /** The key of its block in a target ({@code http:}). */
  String key();

  TargetSpec.ProbeCase probeCase();

  /** Reads {@code block} into {@code target}; errors name the field path. */
  void parse(YamlTree block, TargetSpec.Builder target) throws ConfigException;

  /** The prober for every target of this kind on one node, built on the node's probe engine. */
  Prober create(ProbeContext context);
}
