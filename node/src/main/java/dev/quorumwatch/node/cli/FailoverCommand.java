package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.FailoverRequest;
import dev.quorumwatch.proto.ServiceState;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "failover", mixinStandardHelpOptions = true,
    description = {"Move a service to one of its endpoints and pin it there: no automatic failback while pinned; "
        + "if the pinned endpoint goes DOWN the cluster still moves the service away. "
        + "--auto hands the service back to the automatic rule."})
final class FailoverCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SERVICE", description = "The service id (see `services`).")
  String service;

  static final class Target {
    @Option(names = "--to", paramLabel = "ENDPOINT", required = true,
        description = "The endpoint (a target id of the service) to move to.")
    String to;

    @Option(names = "--auto", required = true, description = "Unpin: the cluster chooses again.")
    boolean auto;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--reason", defaultValue = "", description = "Why, for the record and the notification.")
  String reason;

  @Mixin
  ActorOption actor;

  @Option(names = "--json", description = "Print the service as JSON.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    String who = actor.name(client);
    ServiceState s = client.call(stub -> stub.failover(FailoverRequest.newBuilder().setService(service)
        .setTo(target.auto ? "" : target.to).setReason(reason).setBy(who).build()));
    System.out.println(json ? Json.service(s).toString()
        : s.getService() + " active=" + s.getActiveEndpoint()
            + (s.getPinnedBy().isEmpty() ? " (automatic)" : " (pinned by " + s.getPinnedBy() + ")"));
    return 0;
  }
}
