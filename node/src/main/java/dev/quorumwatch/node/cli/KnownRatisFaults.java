package dev.quorumwatch.node.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Turns a known, harmless fault inside Ratis into one line instead of an ERROR with a stack
 * trace. When a client's write stream gets an error reply and the client then half-closes it,
 * Ratis 3.3.0's client service cleans the stream up twice; the second time throws
 * {@code IllegalStateException: Entry not found for key N in map OrderedStreamObservers},
 * which the shaded gRPC's executor logs as an ERROR (once or twice in two hours of faults
 * every few seconds, after leader changes). Nothing is lost: the client has already moved on.
 */
final class KnownRatisFaults extends TurboFilter {
  static final String EXECUTOR_LOGGER = "org.apache.ratis.thirdparty.io.grpc.internal.SerializingExecutor";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (t instanceof IllegalStateException && logger.getName().equals(EXECUTOR_LOGGER) && t.getMessage() != null
        && t.getMessage().contains("in map OrderedStreamObservers")) {
      // Through this filter's own context: the one it was installed in.
      ((LoggerContext) getContext()).getLogger(KnownRatisFaults.class)
          .info("raft client stream closed twice (a known Ratis fault, harmless) error=\"{}\"", t.getMessage());
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
