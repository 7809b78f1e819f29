package dev.quorumwatch.node.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.raft.CommandSink;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.Ping;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Group commit: pings that arrive while a write is under way go together in the next one. */
class PingBatcherTest {
  /** Holds every write until the test answers it, as a slow leader would. */
  static final class HeldWrites implements CommandSink {
    final List<Command> written = new ArrayList<>();
    final List<CompletableFuture<CommandReply>> answers = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<CommandReply> submit(Command command) {
      written.add(command);
      CompletableFuture<CommandReply> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer;
    }

    void answer(int write, CommandReply reply) {
      answers.get(write).complete(reply);
    }
  }

  static Ping ping(String target) {
    return Ping.newBuilder().setTargetId(target).setNodeId("us-west").build();
  }

  @Test
  void pingsArrivingDuringAWriteShareTheNextAndEachAnswerWaitsForItsOwnCommit() {
    HeldWrites sink = new HeldWrites();
    PingBatcher batcher = new PingBatcher(sink);
    CompletableFuture<Void> first = batcher.submit(ping("a"));
    CompletableFuture<Void> second = batcher.submit(ping("b"));
    CompletableFuture<Void> third = batcher.submit(ping("c"));
    assertThat(sink.written).hasSize(1);
    assertThat(sink.written.get(0).getPings().getPingsList()).extracting(Ping::getTargetId).containsExactly("a");

    sink.answer(0, CommandReply.newBuilder().setAccepted(true).build());
    assertThat(first).isCompleted();
    assertThat(second).isNotDone();
    assertThat(sink.written).hasSize(2);
    assertThat(sink.written.get(1).getPings().getPingsList()).extracting(Ping::getTargetId).containsExactly("b", "c");

    sink.answer(1, CommandReply.newBuilder().setAccepted(false).setError("pings need every node upgraded").build());
    assertThat(second).isCompletedExceptionally();
    assertThat(third).isCompletedExceptionally();
    assertThat(sink.written).as("nothing left to write").hasSize(2);
    batcher.submit(ping("d"));
    assertThat(sink.written).as("idle again: a ping writes at once").hasSize(3);
  }

  @Test
  void aWriteCarriesAtMostAMebibyteOfBodyText() {
    HeldWrites sink = new HeldWrites();
    PingBatcher batcher = new PingBatcher(sink);
    batcher.submit(ping("in-flight"));
    String body = "x".repeat(10 * 1024);
    for (int i = 0; i < 150; i++) {
      batcher.submit(ping("t" + i).toBuilder().setBody(body).build());
    }
    sink.answer(0, CommandReply.newBuilder().setAccepted(true).build());
    assertThat(sink.written.get(1).getPings().getPingsCount()).as("1 MiB / 10 KiB").isEqualTo(102);
    sink.answer(1, CommandReply.newBuilder().setAccepted(true).build());
    assertThat(sink.written.get(2).getPings().getPingsCount()).isEqualTo(48);
  }

  @Test
  void aFullQueueRefusesAtOnce() {
    HeldWrites sink = new HeldWrites();
    PingBatcher batcher = new PingBatcher(sink);
    batcher.submit(ping("in-flight"));
    for (int i = 0; i < PingBatcher.WAITING_MAX; i++) {
      batcher.submit(ping("t" + i));
    }
    assertThat(batcher.submit(ping("one-too-many"))).isCompletedExceptionally();
  }
}
