package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.AcknowledgeRequest;
import dev.quorumwatch.proto.Incident;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ack", mixinStandardHelpOptions = true,
    description = "Acknowledge an open incident: its reminders stop; who and when are recorded.")
final class AckCommand implements Callable<Integer> {
  @Parameters(paramLabel = "INCIDENT", description = "The incident id (see `incidents`).")
  String incidentId;

  @Option(names = "--comment", defaultValue = "", description = "A note for the record.")
  String comment;

  @Mixin
  ActorOption actor;

  @Option(names = "--json", description = "Print the incident as JSON.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    String who = actor.name(client);
    Incident i = client.call(stub -> stub.acknowledge(AcknowledgeRequest.newBuilder().setIncidentId(incidentId)
        .setBy(who).setComment(comment).build()));
    System.out.println(json ? Json.incident(i).toString()
        : i.getId() + " acknowledged by " + i.getAckedBy() + " at " + Times.rfc3339(i.getAckedMs()));
    return 0;
  }
}
