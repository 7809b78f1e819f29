package dev.quorumwatch.node.raft;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import java.util.concurrent.CompletableFuture;

/** Where commands go to be replicated: the Raft log, through whichever node leads. */
public interface CommandSink {
  /** Completes when the command is committed and applied, with the state machine's answer. */
  CompletableFuture<CommandReply> submit(Command command);
}
