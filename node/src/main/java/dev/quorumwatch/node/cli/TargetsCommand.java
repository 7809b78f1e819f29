package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.ListTargetsRequest;
import dev.quorumwatch.proto.ListTargetsResponse;
import dev.quorumwatch.proto.TargetStatus;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "targets", mixinStandardHelpOptions = true,
    description = "Show each target's consensus verdict and every region's vote.")
final class TargetsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    ListTargetsResponse r = client.call(stub -> stub.listTargets(ListTargetsRequest.getDefaultInstance()));
    if (json) {
      System.out.println(Json.targets(r));
      return 0;
    }
    System.out.print(table(r));
    return 0;
  }

  static String table(ListTargetsResponse r) {
    StringBuilder out = new StringBuilder(String.format("%-28s %-9s %-24s %-9s %s%n", "TARGET", "VERDICT", "SINCE", "UPTIME24H", "VOTES"));
    for (TargetStatus t : r.getTargetsList()) {
      String votes = t.getVotesList().stream()
          .map(v -> v.getNodeId() + "=" + v.getVote() + (v.getRateLimited() ? "(rate_limited)"
              : v.getFailureClass().isEmpty() ? "" : "(" + v.getFailureClass() + ")"))
          .collect(Collectors.joining(" "));
      out.append(String.format("%-28s %-9s %-24s %8.3f%% %s%n", t.getId(), Json.verdict(t.getVerdict()),
          t.getSinceMs() == 0 ? "-" : Times.rfc3339(t.getSinceMs()), t.getUptime24H(), votes));
      if (t.getRateLimited()) {
        out.append(String.format("%-28s   no verdict possible since %s: too few regions have an answer, the rest are"
            + " rate limited (HTTP 429); the verdict is held%n", "", Times.rfc3339(t.getRateLimitedSinceMs())));
      }
    }
    return out.toString();
  }

}
