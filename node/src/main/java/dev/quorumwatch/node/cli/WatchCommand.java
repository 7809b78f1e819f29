package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.WatchRequest;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Stream events (verdict changes, incidents, deliveries) as the node applies them, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON document per event, one per line.")
  boolean json;

  @Mixin
  ClientOptions client;

  /** One event as one line: time, kind, target (with the verdict's move), incident, message. */
  static String line(Event e) {
    return String.format("%s %-18s %s%s%s %s", Times.rfc3339(e.getAtMs()), e.getKind(), e.getTargetId(),
        e.getType() == EventKind.EVENT_KIND_VERDICT ? " " + Json.verdict(e.getPreviousVerdict()) + " -> " + Json.verdict(e.getVerdict()) : "",
        e.getIncidentId().isEmpty() ? "" : " [" + e.getIncidentId() + "]", e.getMessage());
  }

  @Override
  public Integer call() {
    ManagedChannel channel = client.channel();
    try {
      Iterator<Event> events = client.stub(channel).watch(WatchRequest.getDefaultInstance());
      while (events.hasNext()) {
        Event e = events.next();
        if (json) {
          System.out.println(Json.MAPPER.createObjectNode()
              .put("at", Times.rfc3339(e.getAtMs()))
              .put("kind", e.getKind())
              .put("target", e.getTargetId().isEmpty() ? null : e.getTargetId())
              .put("incident", e.getIncidentId().isEmpty() ? null : e.getIncidentId())
              .put("verdict", e.getType() == EventKind.EVENT_KIND_VERDICT ? Json.verdict(e.getVerdict()) : null)
              .put("previous_verdict", e.getType() == EventKind.EVENT_KIND_VERDICT ? Json.verdict(e.getPreviousVerdict()) : null)
              .put("message", e.getMessage()));
        } else {
          System.out.println(line(e));
        }
        System.out.flush();
      }
      return 0;
    } catch (StatusRuntimeException e) {
      throw new CliException(client.describe(e));
    } finally {
      channel.shutdownNow();
    }
  }
}
