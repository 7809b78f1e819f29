package dev.quorumwatch.node.cli;

/** An error the CLI reports as one line on stderr with a non-zero exit code. */
public class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }

  /** The node did not answer, or answered that it cannot now (UNAVAILABLE): asking again later may help. */
  static final class Unavailable extends CliException {
    private final boolean noLeader;

    Unavailable(String message, boolean noLeader) {
      super(message);
      this.noLeader = noLeader;
    }

    /** The node is up but the cluster has no leader (an election, or no quorum). */
    boolean noLeader() {
      return noLeader;
    }
  }
}
