package dev.quorumwatch.node.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.proto.EndpointState;
import dev.quorumwatch.proto.ListServicesRequest;
import dev.quorumwatch.proto.ListServicesResponse;
import dev.quorumwatch.proto.ServiceState;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "services", mixinStandardHelpOptions = true,
    description = "Services, their endpoints' verdicts and where traffic should go now (the active endpoint).")
final class ServicesCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print {\"services\": [...]} as JSON.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    ListServicesResponse r = client.call(stub -> stub.listServices(ListServicesRequest.getDefaultInstance()));
    if (json) {
      ObjectNode doc = Json.MAPPER.createObjectNode();
      ArrayNode services = doc.putArray("services");
      r.getServicesList().forEach(s -> services.add(Json.service(s)));
      System.out.println(doc);
      return 0;
    }
    System.out.printf("%-20s %-24s %-24s %s%n", "SERVICE", "ACTIVE", "SINCE", "ENDPOINTS (priority order)");
    for (ServiceState s : r.getServicesList()) {
      StringJoiner endpoints = new StringJoiner(" ");
      for (EndpointState e : s.getEndpointsList()) {
        endpoints.add(e.getTarget() + "=" + Json.verdict(e.getVerdict()));
      }
      System.out.printf("%-20s %-24s %-24s %s%n", s.getService(),
          s.getActiveEndpoint() + (s.getPinnedBy().isEmpty() ? "" : " (pinned)"), Times.rfc3339(s.getActiveSinceMs()),
          endpoints);
      System.out.printf("%-20s %s%n", "", "reason: " + s.getReason());
    }
    return 0;
  }
}
