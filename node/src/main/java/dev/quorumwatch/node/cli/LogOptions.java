package dev.quorumwatch.node.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Option;

/** How a running node logs: the commands that start nodes mix this in and call {@link #apply()} first. */
final class LogOptions {
  enum Format { text, json }

  @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json",
      description = "Log lines on stderr as text (default) or as one JSON object per line (logback's JSON encoder:"
          + " timestamp, level, loggerName, message, ...). Level: env QW_LOG_LEVEL (default INFO).")
  Format format;

  void apply() {
    // Libraries inside Ratis (its shaded gRPC) log through java.util.logging: route them
    // through logback so its levels (Ratis at ERROR) and this format apply to them too.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (format == Format.json) {
      useJson();
    }
  }

  /** Hides our own INFO lines (warnings and errors still print): for a process running several nodes. */
  static void onlyWarnings() {
    ((Logger) LoggerFactory.getLogger("dev.quorumwatch")).setLevel(ch.qos.logback.classic.Level.WARN);
  }

  private static void useJson() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDERR");
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithArguments(false);
    json.setWithMessage(false);
    json.setWithFormattedMessage(true);
    json.start();
    appender.stop();
    appender.setEncoder(json);
    appender.start();
  }
}
