package dev.quorumwatch.node.cli;

import dev.quorumwatch.node.MonitorNode;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run one monitor node (one per region) until stopped with SIGTERM or Ctrl-C.")
final class NodeCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "Node configuration (node.yaml): identity, listen addresses, data_dir, cluster peers.")
  Path config;

  @Option(names = "--join", description = "First start of a node being added to a running cluster (empty data_dir):"
      + " it waits to be added with 'quorumwatch members add' instead of campaigning. Ignored once it has data.")
  boolean join;

  @Mixin
  LogOptions logging;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    NodeConfig nodeConfig;
    try {
      nodeConfig = NodeConfigLoader.load(config);
    } catch (ConfigException e) {
      System.err.println("quorumwatch: " + e.getMessage());
      return 2;
    }
    MonitorNode node = new MonitorNode(nodeConfig, join);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "qw-shutdown"));
    node.start();
    stopped.await();
    return 0;
  }
}
