package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.ListIncidentsResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "incidents", mixinStandardHelpOptions = true,
    description = "Show open incidents and the recent history, oldest first.")
final class IncidentsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    ListIncidentsResponse r = client.call(stub -> stub.listIncidents(ListIncidentsRequest.getDefaultInstance()));
    if (json) {
      System.out.println(Json.incidents(r));
      return 0;
    }
    System.out.printf("%-14s %-28s %-9s %-9s %-24s %-24s %-20s %s%n", "ID", "TARGET", "SEVERITY", "STATE", "STARTED",
        "RESOLVED", "REGIONS", "NOTE");
    for (Incident i : r.getIncidentsList()) {
      System.out.printf("%-14s %-28s %-9s %-9s %-24s %-24s %-20s %s%n", i.getId(), i.getTargetId(), i.getSeverity(),
          i.getOpen() ? "open" : "resolved", Times.rfc3339(i.getStartedMs()),
          i.getResolvedMs() == 0 ? "-" : Times.rfc3339(i.getResolvedMs()),
          i.getRegionsCount() == 0 ? "-" : String.join(",", i.getRegionsList()), note(i));
    }
    return 0;
  }

  /** Why an open incident does not page: held back by a dependency, or silenced. */
  static String note(Incident i) {
    if (!i.getOpen() || !i.getSilenced()) {
      return "";
    }
    return i.getSuppressedBy().isEmpty() ? "silenced" : "held: " + i.getSuppressedBy();
  }
}
