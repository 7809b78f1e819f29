package dev.quorumwatch.node.receiver;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.proto.ReceiverSpec;

/**
 * A kind of receiver (webhook, email, slack, ...): its key in the monitors file, how its block
 * is read into the replicated spec, and how a spec of it sends. Adding a kind is one class
 * implementing this, a field in {@code ReceiverSpec}'s oneof, an entry in {@link ReceiverKinds}
 * and a section in docs/receivers.md.
 */
public interface ReceiverKind {
  /** The key of its block in a receiver ({@code slack:}), also its name in answers. */
  String key();

  ReceiverSpec.KindCase kindCase();

  /** Reads {@code block} into {@code receiver}; errors name the field path. */
  void parse(YamlTree block, ReceiverSpec.Builder receiver) throws ConfigException;

  Receiver create(ReceiverSpec spec, SendContext context);
}
