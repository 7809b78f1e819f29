package dev.quorumwatch.node.raft;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Where commands go to be replicated: the Raft log, through whichever node leads. */
public interface CommandSink {
  /**
   * Completes when the command is committed and applied, with the state machine's answer.
   * Never throws: every failure, a client being replaced included, comes through the future.
   */
  CompletableFuture<CommandReply> submit(Command command);

  /**
   * Like {@link #submit(Command)}, but fails when no answer came within {@code answerTimeoutMs}:
   * for writers that would rather resend than wait (a heartbeat is worth nothing once late).
   */
  default CompletableFuture<CommandReply> submit(Command command, long answerTimeoutMs) {
    return submit(command).orTimeout(answerTimeoutMs, TimeUnit.MILLISECONDS);
  }
}
