package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.MemberStatus;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.StatusResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the cluster: leader (and its API address), members, their freshness.")
final class StatusCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    StatusResponse s = client.call(stub -> stub.getStatus(StatusRequest.getDefaultInstance()));
    if (json) {
      System.out.println(Json.status(s));
      return 0;
    }
    System.out.printf("cluster %s  leader %s (%s)  term %d  quorum %d  answered by %s%n", s.getClusterId(),
        s.getLeaderId().isEmpty() ? "(none)" : s.getLeaderId(), s.getLeaderApi(), s.getTerm(), s.getQuorum(),
        s.getAnsweredBy());
    System.out.printf("%-16s %-16s %-22s %-9s %-6s %s%n", "MEMBER", "REGION", "API", "ROLE", "FRESH", "LAST HEARTBEAT");
    for (MemberStatus m : s.getMembersList()) {
      System.out.printf("%-16s %-16s %-22s %-9s %-6s %s%n", m.getId(), m.getRegion(), m.getApi(), m.getRole(),
          m.getFresh() ? "yes" : "no", m.getLastHeartbeatMs() == 0 ? "-" : Times.rfc3339(m.getLastHeartbeatMs()));
    }
    return 0;
  }
}
