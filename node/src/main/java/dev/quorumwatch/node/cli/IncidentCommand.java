package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.IncidentUpdate;
import dev.quorumwatch.proto.UpdateIncidentRequest;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "incident", mixinStandardHelpOptions = true,
    description = "Tell the public about an incident: updates appear on the status pages that list its target"
        + " (see docs/status-pages.md) and in their Atom feeds.",
    subcommands = {IncidentCommand.Update.class})
final class IncidentCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Add an update to an incident (at most 50 per incident). The message is public: write it for"
          + " customers. A 'resolved' update is a statement only; the incident itself resolves when its target"
          + " is UP again.")
  static final class Update implements Callable<Integer> {
    @Parameters(paramLabel = "INCIDENT", description = "The incident id (see `incidents`).")
    String incidentId;

    @Option(names = "--status", required = true,
        description = "investigating, identified, monitoring or resolved.")
    String status;

    @Option(names = "--message", required = true, description = "What the public reads (at most 2,000 characters).")
    String message;

    @Mixin
    ActorOption actor;

    @Option(names = "--json", description = "Print the incident as JSON.")
    boolean json;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
      IncidentUpdate.Status parsed = switch (status.toLowerCase(Locale.ROOT)) {
        case "investigating" -> IncidentUpdate.Status.STATUS_INVESTIGATING;
        case "identified" -> IncidentUpdate.Status.STATUS_IDENTIFIED;
        case "monitoring" -> IncidentUpdate.Status.STATUS_MONITORING;
        case "resolved" -> IncidentUpdate.Status.STATUS_RESOLVED;
        default -> throw new CliException("--status: expected investigating, identified, monitoring or resolved, got '"
            + status + "'");
      };
      if (message.isBlank()) {
        throw new CliException("--message: expected some text for the public");
      }
      String who = actor.name(client);
      Incident i = client.call(stub -> stub.updateIncident(UpdateIncidentRequest.newBuilder().setIncidentId(incidentId)
          .setStatus(parsed).setMessage(message).setBy(who).build()));
      System.out.println(json ? Json.incident(i).toString()
          : i.getId() + ": update " + i.getUpdatesCount() + " (" + status.toLowerCase(Locale.ROOT) + ") recorded");
      return 0;
    }
  }
}
