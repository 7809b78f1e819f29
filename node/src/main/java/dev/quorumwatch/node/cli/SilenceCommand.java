package dev.quorumwatch.node.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.node.config.Durations;
import dev.quorumwatch.proto.AddSilenceRequest;
import dev.quorumwatch.proto.ExpireSilenceRequest;
import dev.quorumwatch.proto.ListSilencesRequest;
import dev.quorumwatch.proto.ListSilencesResponse;
import dev.quorumwatch.proto.Silence;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "silence", mixinStandardHelpOptions = true,
    description = "Silence alerts for a while (replicated): silenced incidents are still recorded, and notify"
        + " when the silence ends if they are still open.",
    subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class})
final class SilenceCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a silence; prints its id.")
  static final class Add implements Callable<Integer> {
    @Option(names = "--match", required = true, paramLabel = "MATCHER",
        description = "A label matcher: name=value, name!=value, name=~regex or name!~regex (repeatable; all must"
            + " match). Labels: alertname, target, severity, cluster, node, and each target's own labels.")
    List<String> matchers;

    @Option(names = "--for", required = true, paramLabel = "DURATION", description = "How long, e.g. 30m, 2h, 1d.")
    String duration;

    @Option(names = "--comment", defaultValue = "", description = "Why (shown in `silence list`).")
    String comment;

    @Mixin
    ActorOption actor;

    @Option(names = "--json", description = "Print the silence as JSON.")
    boolean json;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
      long ms = Durations.parseMs(duration);
      if (ms <= 0) {
        throw new CliException("--for: expected a positive duration such as 30m or 2h, got '" + duration + "'");
      }
      for (String m : matchers) {
        try {
          Matchers.parse(m);
        } catch (IllegalArgumentException e) {
          throw new CliException("--match: " + e.getMessage());
        }
      }
      Silence s = client.call(stub -> stub.addSilence(AddSilenceRequest.newBuilder().addAllMatchers(matchers)
          .setDurationMs(ms).setComment(comment).setCreatedBy(actor.name(client)).build()));
      System.out.println(json ? Json.silence(s, s.getStartsMs()).toString() : s.getId());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List active and recently expired silences.")
  static final class ListSilences implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
      ListSilencesResponse r = client.call(stub -> stub.listSilences(ListSilencesRequest.getDefaultInstance()));
      if (json) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        ArrayNode list = doc.putArray("silences");
        r.getSilencesList().forEach(s -> list.add(Json.silence(s, r.getClockMs())));
        System.out.println(doc);
        return 0;
      }
      System.out.printf("%-12s %-8s %-22s %-40s %-12s %s%n", "ID", "STATE", "ENDS", "MATCHERS", "BY", "COMMENT");
      for (Silence s : r.getSilencesList()) {
        ObjectNode j = Json.silence(s, r.getClockMs());
        System.out.printf("%-12s %-8s %-22s %-40s %-12s %s%n", s.getId(), j.path("state").asText(),
            Times.rfc3339(s.getEndsMs()), s.getMatchersList().stream().map(Matchers::format)
                .collect(Collectors.joining(",")), s.getCreatedBy(), s.getComment());
      }
      return 0;
    }
  }

  @Command(name = "expire", mixinStandardHelpOptions = true, description = "End a silence now.")
  static final class Expire implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The silence id (from `silence add` or `silence list`).")
    String id;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
      Silence s = client.call(stub -> stub.expireSilence(ExpireSilenceRequest.newBuilder().setSilenceId(id).build()));
      System.out.println(s.getId() + " expired at " + Times.rfc3339(s.getEndsMs()));
      return 0;
    }
  }
}
