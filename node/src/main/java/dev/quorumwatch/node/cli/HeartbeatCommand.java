package dev.quorumwatch.node.cli;

import dev.quorumwatch.node.heartbeat.PingTokens;
import java.security.SecureRandom;
import java.util.Base64;
import picocli.CommandLine.Command;

@Command(name = "heartbeat", mixinStandardHelpOptions = true,
    description = "Heartbeat targets: jobs that ping the cluster (docs/heartbeats.md).",
    subcommands = {HeartbeatCommand.NewToken.class})
final class HeartbeatCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "new-token", mixinStandardHelpOptions = true,
      description = "Print a fresh, unguessable ping token (for the job) and its SHA-256 (for the monitors file:"
          + " heartbeat.token_sha256). Nothing is sent anywhere; the cluster never sees the token itself.")
  static final class NewToken implements Runnable {
    @Override
    public void run() {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      System.out.println("token:        " + token);
      System.out.println("token_sha256: " + PingTokens.sha256Hex(token));
      System.out.println();
      System.out.println("The job pings  http://NODE:HTTP_PORT/ping/" + token + "  (any node; /start, /fail, /<exit code>).");
      System.out.println("Keep the token with the job; put only token_sha256 in the monitors file.");
    }
  }
}
