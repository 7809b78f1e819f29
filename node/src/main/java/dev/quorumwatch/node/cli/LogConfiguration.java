package dev.quorumwatch.node.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Logback's configuration, in code (found through the service loader, before logback looks
 * for an XML file). Logback's XML configurator loads some 500 classes of its own into every
 * node for a dozen lines of settings; this needs none of them.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {
  /** The operator-facing line: time (UTC), level, the class that logs, the message. */
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{0} %msg%n";
  /**
   * Libraries' levels. Ratis logs hundreds of WARN lines on ordinary stops, restarts and
   * elections (QuorumWatch logs leader changes itself), and its client logs every retried
   * request (NotLeader during elections) at ERROR, where QuorumWatch logs the writes that fail
   * after all retries.
   */
  static final Map<String, Level> LIBRARY_LEVELS = Map.of(
      "org.apache.ratis.client", Level.OFF, "io.grpc", Level.WARN, "io.netty", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    // java.util.logging records (bridged by the node command) then skip disabled levels cheaply.
    LevelChangePropagator julLevels = new LevelChangePropagator();
    julLevels.setContext(context);
    julLevels.setResetJUL(true);
    julLevels.start();
    context.addListener(julLevels);

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    // On stderr, so that command output on stdout stays clean.
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    KnownRatisFaults knownFaults = new KnownRatisFaults();
    knownFaults.setContext(context);
    knownFaults.start();
    context.addTurboFilter(knownFaults);

    context.getLogger("org.apache.ratis").setLevel(levelFrom("QW_RATIS_LOG_LEVEL", Level.ERROR));
    LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(levelFrom("QW_LOG_LEVEL", Level.INFO));
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** A level from a system property or, failing that, the environment variable of that name. */
  static Level levelFrom(String name, Level otherwise) {
    String value = System.getProperty(name, System.getenv(name));
    return Level.toLevel(value, otherwise);
  }
}
