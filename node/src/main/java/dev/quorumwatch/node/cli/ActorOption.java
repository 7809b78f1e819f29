package dev.quorumwatch.node.cli;

import picocli.CommandLine.Option;

/** {@code --by}: who makes a change, for the record, on every command that changes the cluster. */
final class ActorOption {
  @Option(names = "--by", defaultValue = "${env:USER}",
      description = "Who makes the change, for the record (default: $USER, else the account running the command;"
          + " with a token, the token's name is recorded instead).")
  String by;

  /** The name to record: --by, else the account; empty when a token will name the caller. */
  String name(ClientOptions client) {
    return client.actor(by);
  }
}
