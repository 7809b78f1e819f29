package dev.quorumwatch.node.receiver;

import dev.quorumwatch.proto.ReceiverSpec;

/** A kind's name in the monitors file and its case in {@code ReceiverSpec}'s oneof, said once. */
public abstract class NamedKind implements ReceiverKind {
  private final String key;
  private final ReceiverSpec.KindCase kindCase;

  protected NamedKind(String key, ReceiverSpec.KindCase kindCase) {
    this.key = key;
    this.kindCase = kindCase;
  }

  @Override
  public final String key() {
    return key;
  }

  @Override
  public final ReceiverSpec.KindCase kindCase() {
    return kindCase;
  }
}
