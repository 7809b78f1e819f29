package dev.quorumwatch.node.cli;

import dev.quorumwatch.node.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code quorumwatch}: run a node, run the demo, or talk to a cluster. */
@Command(name = "quorumwatch",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Multi-region consensus monitor: nodes in several regions probe the same targets"
        + " and alert only when a quorum of regions agrees.",
    subcommands = {NodeCommand.class, DemoCommand.class, ApplyCommand.class, StatusCommand.class,
        TargetsCommand.class, IncidentsCommand.class, IncidentCommand.class, WatchCommand.class, SilenceCommand.class,
        AckCommand.class, DeliveriesCommand.class, ExplainCommand.class, ServicesCommand.class, FailoverCommand.class, BackupCommand.class,
        RestoreCommand.class, MembersCommand.class, TestReceiverCommand.class, HeartbeatCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; errors print one line on stderr. */
  public static int run(String... args) {
    return execute(new Main(), args);
  }

  /**
   * Runs {@code command} (a picocli command object: this CLI, or another tool built on it such
   * as the benchmarks) with this CLI's error handling: one line on stderr, exit code 1 for a
   * failure and 2 for a usage error.
   */
  public static int execute(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("quorumwatch: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    });
    cli.setParameterExceptionHandler((e, args2) -> {
      e.getCommandLine().getErr().println("quorumwatch: " + e.getMessage() + " (see --help)");
      return 2;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The build's version, for {@code --version}. */
  public static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"quorumwatch " + Version.current()};
    }
  }
}
