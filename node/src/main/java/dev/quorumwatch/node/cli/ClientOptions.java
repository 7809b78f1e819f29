package dev.quorumwatch.node.cli;

import dev.quorumwatch.node.api.QuorumWatchService;
import dev.quorumwatch.node.auth.BearerToken;
import dev.quorumwatch.node.tls.NodeTls;
import dev.quorumwatch.proto.QuorumWatchGrpc;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to a cluster. */
final class ClientOptions {
  @Option(names = "--server", defaultValue = "127.0.0.1:9201", paramLabel = "HOST:PORT",
      description = "Any node's API address (default: ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:QUORUMWATCH_TOKEN}",
      description = "API token (default: $QUORUMWATCH_TOKEN).")
  String token;

  @Option(names = "--ca", paramLabel = "FILE", defaultValue = "${env:QUORUMWATCH_CA}",
      description = "Talk TLS, trusting the node's certificate if this CA (PEM) signed it: the cluster CA of node.yaml's"
          + " tls.ca (default: $QUORUMWATCH_CA).")
  Path ca;

  @Option(names = "--tls", description = "Talk TLS, trusting the system's CAs (implied by --ca).")
  boolean tls;

  static final long DEADLINE_S = 20;
  static final long LONG_DEADLINE_S = 90;

  ManagedChannel channel() {
    int colon = server.lastIndexOf(':');
    if (colon <= 0) {
      throw new CliException("--server: expected HOST:PORT, got '" + server + "'");
    }
    // Backups come back in one message; the state machine caps them well below this.
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(server).maxInboundMessageSize(16 << 20);
    if (ca != null) {
      try {
        builder.sslContext(NodeTls.clientContext(ca));
      } catch (IOException e) {
        throw new CliException("--ca: " + e.getMessage());
      }
    } else if (!tls) {
      builder.usePlaintext();
    }
    return builder.build();
  }

  /**
   * Who makes a change, for the record. With a token the node records the token's name and
   * ignores what is claimed, so {@code --by} may then be left out. Without one: {@code --by},
   * whose default is $USER, else the account the command runs as (cron, systemd units and
   * containers often have no $USER).
   */
  String actor(String by) {
    if (by != null && !by.isBlank()) {
      return by;
    }
    if (token != null && !token.isBlank()) {
      return "";
    }
    String account = System.getProperty("user.name", "");
    if (!account.isBlank() && !account.equals("?")) {
      return account;
    }
    throw new CliException("--by: who makes the change is required ($USER is not set, the account has no name,"
        + " and no --token is given)");
  }

  /** Calls the API once with a deadline and turns gRPC errors into one-line messages. */
  <T> T call(Function<QuorumWatchGrpc.QuorumWatchBlockingStub, T> rpc) {
    return call(rpc, DEADLINE_S);
  }

  /** For calls that wait on the cluster (a new member catching up): a longer deadline. */
  <T> T callLong(Function<QuorumWatchGrpc.QuorumWatchBlockingStub, T> rpc) {
    return call(rpc, LONG_DEADLINE_S);
  }

  private <T> T call(Function<QuorumWatchGrpc.QuorumWatchBlockingStub, T> rpc, long deadlineS) {
    ManagedChannel channel = channel();
    try {
      return rpc.apply(stub(channel).withDeadlineAfter(deadlineS, TimeUnit.SECONDS));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        String description = e.getStatus().getDescription();
        throw new CliException.Unavailable(describe(e),
            description != null && description.startsWith(QuorumWatchService.NO_LEADER));
      }
      throw new CliException(describe(e));
    } finally {
      channel.shutdownNow();
    }
  }

  QuorumWatchGrpc.QuorumWatchBlockingStub stub(ManagedChannel channel) {
    return BearerToken.attach(QuorumWatchGrpc.newBlockingStub(channel), token);
  }

  String describe(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE -> "cannot reach " + server + ": " + e.getStatus().getDescription()
          + (ca == null && !tls ? " (if the node serves TLS, pass --ca with the cluster CA)" : "");
      case DEADLINE_EXCEEDED -> server + " did not answer within " + DEADLINE_S + "s";
      default -> e.getStatus().getDescription() == null ? e.getStatus().getCode().toString() : e.getStatus().getDescription();
    };
  }
}
