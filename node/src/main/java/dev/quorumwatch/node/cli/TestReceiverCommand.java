package dev.quorumwatch.node.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.proto.TestReceiverRequest;
import dev.quorumwatch.proto.TestReceiverResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "test-receiver", mixinStandardHelpOptions = true,
    description = {"Send a test notification (alert QuorumWatchTest, severity info) to one receiver from the leader,"
        + " and print what the receiver answered (HTTP status and the start of its body, or the SMTP reply).",
        "Needs an admin token when the cluster has tokens. Exits 1 when the receiver did not take it."})
final class TestReceiverCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RECEIVER", description = "The receiver id, as in the applied monitors file.")
  String receiverId;

  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    TestReceiverRequest request = TestReceiverRequest.newBuilder().setReceiverId(receiverId).build();
    TestReceiverResponse r = client.callLong(stub -> stub.testReceiver(request));
    if (!r.getLeaderApi().isEmpty()) {
      client.server = r.getLeaderApi(); // only the leader sends
      r = client.callLong(stub -> stub.testReceiver(request));
      if (!r.getLeaderApi().isEmpty()) {
        throw new CliException("leadership moved while asking; try again");
      }
    }
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
}
