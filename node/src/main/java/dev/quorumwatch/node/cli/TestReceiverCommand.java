package dev.quorumwatch.node.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.proto.TestReceiverRequest;
import dev.quorumwatch.proto.TestReceiverResponse;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "test-receiver", mixinStandardHelpOptions = true,
    description = {"Send a test notification (alert QuorumWatchTest, severity info) to one receiver from the leader,"
        + " and print what the receiver answered (HTTP status and the start of its body, or the SMTP reply).",
        "Needs an admin token when the cluster has tokens. During an election it waits up to 15 s for a leader."
        + " Exits 1 when the receiver did not take it."})
final class TestReceiverCommand implements Callable<Integer> {
  static final long LEADER_WAIT_MS = 15_000;
  private static final long ELECTION_POLL_MS = 300;

  @Parameters(paramLabel = "RECEIVER", description = "The receiver id, as in the applied monitors file.")
  String receiverId;

  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    TestReceiverRequest request = TestReceiverRequest.newBuilder().setReceiverId(receiverId).build();
    TestReceiverResponse r = askTheLeader(request);
    if (json) {
      ObjectNode doc = Json.MAPPER.createObjectNode();
      doc.put("receiver", receiverId);
      doc.put("kind", r.getKind());
      doc.put("delivered", r.getDelivered());
      doc.put("outcome", r.getOutcome());
      doc.put("duration_ms", r.getDurationMs());
      System.out.println(doc);
    } else {
      System.out.println((r.getDelivered() ? "delivered" : "NOT delivered") + " to " + receiverId + " (" + r.getKind()
          + ") in " + r.getDurationMs() + " ms: " + r.getOutcome());
    }
    return r.getDelivered() ? 0 : 1;
  }

  /**
   * Only the leader sends: a follower names it and the question goes there. An election (a
   * leader just lost, a node just restarted) is ridden out for up to {@link #LEADER_WAIT_MS}, as
   * a write through Raft would be, rather than failing an operator's check for a second's gap:
   * while there is no leader, or the named one does not answer (it may be the one just lost),
   * the node first asked is asked again.
   */
  private TestReceiverResponse askTheLeader(TestReceiverRequest request) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEADER_WAIT_MS);
    String asked = client.server;
    while (true) {
      boolean redirected = !client.server.equals(asked);
      try {
        TestReceiverResponse r = client.callLong(stub -> stub.testReceiver(request));
        if (r.getLeaderApi().isEmpty()) {
          return r;
        }
        client.server = r.getLeaderApi();
        if (redirected) {
          pause(); // the named leader named another: it moved meanwhile
        }
      } catch (CliException.Unavailable e) {
        if (!e.noLeader() && !redirected) {
          throw e; // the node asked is unreachable: waiting would not help
        }
        client.server = asked;
        if (System.nanoTime() - deadline > 0) {
          throw new CliException(e.getMessage() + " (asked for " + LEADER_WAIT_MS / 1000 + "s)");
        }
        pause();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new CliException("leadership kept moving for " + LEADER_WAIT_MS / 1000 + "s; try again");
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(ELECTION_POLL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for a leader");
    }
  }
}
