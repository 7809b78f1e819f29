package dev.quorumwatch.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfigurationTest {
  @Test
  void logbackIsConfiguredInCodeWithoutItsXmlConfigurator() {
    LoggerContext live = (LoggerContext) LoggerFactory.getILoggerFactory();
    ConsoleAppender<?> stderr = (ConsoleAppender<?>) live.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    assertThat(stderr).as("the service-loaded configuration ran").isNotNull();
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(LogConfiguration.PATTERN);
    assertThat(live.getCopyOfListenerList()).as("java.util.logging follows the levels")
        .hasAtLeastOneElementOfType(LevelChangePropagator.class);
  }

  @Test
  void librariesAreQuietAndTheLevelsComeFromTheEnvironmentOrSystemProperties() {
    LoggerContext context = new LoggerContext();
    System.setProperty("QW_RATIS_LOG_LEVEL", "info");
    try {
      LogConfiguration configuration = new LogConfiguration();
      configuration.setContext(context);
      assertThat(configuration.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    } finally {
      System.clearProperty("QW_RATIS_LOG_LEVEL");
    }
    assertThat(context.getLogger("org.apache.ratis").getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("org.apache.ratis.client").getLevel()).isEqualTo(Level.OFF);
    assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel())
        .isEqualTo(LogConfiguration.levelFrom("QW_LOG_LEVEL", Level.INFO));
    assertThat(LogConfiguration.levelFrom("QW_NOT_SET_ANYWHERE", Level.ERROR)).isEqualTo(Level.ERROR);
  }

  @Test
  void ratisDoubleCleanupOfAClientStreamIsOneLineNotAStackTrace() {
    LoggerContext context = new LoggerContext();
    LogConfiguration configuration = new LogConfiguration();
    configuration.setContext(context);
    configuration.configure(context);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(lines);

    org.slf4j.Logger executor = context.getLogger(KnownRatisFaults.EXECUTOR_LOGGER);
    executor.error("Exception while executing runnable HalfClosed@90f6e80",
        new IllegalStateException("Entry not found for key 126 in map OrderedStreamObservers"));
    executor.error("Exception while executing runnable", new IllegalStateException("something else"));

    assertThat(lines.list).hasSize(2);
    ILoggingEvent known = lines.list.get(0);
    assertThat(known.getLevel()).isEqualTo(Level.INFO);
    assertThat(known.getThrowableProxy()).as("no stack trace").isNull();
    assertThat(known.getFormattedMessage()).contains("closed twice").contains("key 126");
    assertThat(lines.list.get(1).getLevel()).as("any other fault still shows in full").isEqualTo(Level.ERROR);
    assertThat(lines.list.get(1).getThrowableProxy()).isNotNull();
  }
}
