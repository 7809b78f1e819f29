package dev.quorumwatch.node.cli;

import dev.quorumwatch.node.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code quorumwatch}: run a node, run the demo, or talk to a cluster. */
@Command(name = "quorumwatch",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Multi-region consensus monitor: nodes in several regions probe the same targets"
        + " and alert only when a quorum of regions agrees.",
    subcommands = {NodeCommand.class, DemoCommand.class, ApplyCommand.class, StatusCommand.class,
        TargetsCommand.class, IncidentsCommand.class, IncidentCommand.class, WatchCommand.class, SilenceCommand.class,
        AckCommand.class, DeliveriesCommand.class, ExplainCommand.class, ServicesCommand.class, FailoverCommand.class, BackupCommand.class,
        RestoreCommand.class, MembersCommand.class, TestReceiverCommand.class, HeartbeatCommand.class, BenchCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; errors print one line on stderr. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
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

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"quorumwatch " + Version.current()};
    }
  }
}
