package dev.quorumwatch.node.cli;

import dev.quorumwatch.proto.ApplyRequest;
import dev.quorumwatch.proto.ApplyResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "apply", mixinStandardHelpOptions = true,
    description = "Replace the cluster's targets and receivers with a monitors file. The file is"
        + " validated first; an invalid file changes nothing.")
final class ApplyCommand implements Callable<Integer> {
  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The monitors file (monitors.yaml).")
  Path file;

  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new CliException(file + ": cannot read: " + e.getMessage());
    }
    ApplyRequest request = ApplyRequest.newBuilder().setYaml(yaml).setFileName(file.toString()).build();
    ApplyResponse response = client.call(stub -> stub.apply(request));
    if (json) {
      System.out.println(Json.MAPPER.createObjectNode()
          .put("targets", response.getTargets())
          .put("receivers", response.getReceivers())
          .put("log_index", response.getLogIndex()));
    } else {
      System.out.printf("applied %s: %d targets, %d receivers (log index %d)%n", file, response.getTargets(),
          response.getReceivers(), response.getLogIndex());
    }
    return 0;
  }
}
