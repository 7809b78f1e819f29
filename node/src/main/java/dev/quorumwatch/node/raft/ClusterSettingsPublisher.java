package dev.quorumwatch.node.raft;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.SetCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-only: makes the replicated cluster settings match the Raft configuration (see
 * {@link ClusterSettings}) and this node's quorum and stale_after, and
 * applies {@code monitors_file} when no monitors file was ever applied. It reconciles every
 * interval until both hold rather than trying once per term: a write lost to a client being
 * replaced right after an election would otherwise leave the cluster without members (and so
 * without verdicts) until the next leader change.
 */
public final class ClusterSettingsPublisher {
  private static final Logger log = LoggerFactory.getLogger(ClusterSettingsPublisher.class);

  private final NodeConfig config;
  private final Supplier<SetCluster> replicatedSettings;
  private final Supplier<Optional<List<RaftMember>>> raftMembers;
  private final BooleanSupplier neverConfigured;
  private final CommandSink sink;
  private final ScheduledExecutorService timer;
  private final long intervalMs;
  private ScheduledFuture<?> task;
  private boolean inFlight;
  private volatile boolean settingsFailureLogged;
  private volatile boolean monitorsFileDone;

  /** {@code raftMembers}: the Raft configuration's voting members, empty while it changes. */
  public ClusterSettingsPublisher(NodeConfig config, Supplier<Optional<List<RaftMember>>> raftMembers,
      Supplier<SetCluster> replicatedSettings, BooleanSupplier neverConfigured, CommandSink sink,
      ScheduledExecutorService timer, long intervalMs) {
    this.config = config;
    this.raftMembers = raftMembers;
    this.replicatedSettings = replicatedSettings;
    this.neverConfigured = neverConfigured;
    this.sink = sink;
    this.timer = timer;
    this.intervalMs = intervalMs;
  }

  public synchronized void start() {
    stop();
    settingsFailureLogged = false;
    monitorsFileDone = false;
    task = timer.scheduleWithFixedDelay(this::reconcile, 0, intervalMs, TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  private void reconcile() {
    synchronized (this) {
      if (inFlight || task == null) {
        return;
      }
    }
    Optional<List<RaftMember>> raftMembers = this.raftMembers.get();
    if (raftMembers.isEmpty()) {
      return; // a membership change is under way: judge the settings once it is done
    }
    SetCluster replicated = replicatedSettings.get();
    SetCluster desired = ClusterSettings.of(config, raftMembers.get(), replicated, Optional.empty());
    if (!desired.equals(replicated)) {
      submit(Command.newBuilder().setSetCluster(desired).build(), error -> {
        if (error == null) {
          log.info("cluster settings committed members={} quorum={}", desired.getMembersCount(), desired.getQuorum());
        } else if (!settingsFailureLogged) {
          settingsFailureLogged = true; // retried every interval; one line says it is failing
          log.warn("cluster settings not committed, retrying every {} ms error=\"{}\"", intervalMs, error);
        }
      });
      return; // the monitors file is judged against the settings it was written for
    }
    if (!monitorsFileDone && neverConfigured.getAsBoolean() && config.monitorsFile().isPresent()) {
      applyMonitorsFile(config.monitorsFile().get());
    }
  }

  /** {@code done} gets null once committed, or the reason it was not. */
  private void submit(Command command, Consumer<String> done) {
    synchronized (this) {
      inFlight = true;
    }
    sink.submit(command).whenComplete((reply, error) -> {
      synchronized (this) {
        inFlight = false;
      }
      done.accept(error != null ? error.getMessage() : reply.getAccepted() ? null : reply.getError());
    });
  }

  private void applyMonitorsFile(Path file) {
    MonitorsSpec spec;
    try {
      spec = MonitorsParser.parse(file.toString(), Files.readString(file));
    } catch (IOException e) {
      monitorsFileDone = true; // a broken file stays broken until the operator fixes it and restarts or applies
      log.error("monitors_file not applied file={} error=\"{}\"", file, e.getMessage());
      return;
    } catch (ConfigException e) {
      monitorsFileDone = true;
      log.error("monitors_file not applied: {}", e.getMessage());
      return;
    }
    Command command = Command.newBuilder()
        .setApplyMonitors(ApplyMonitors.newBuilder().setSpec(spec).setSource(file.toString()))
        .build();
    submit(command, error -> {
      if (error == null) {
        monitorsFileDone = true;
        log.info("monitors_file applied file={} targets={}", file, spec.getTargetsCount());
      } else {
        log.warn("monitors_file not applied yet, retrying file={} error=\"{}\"", file, error);
      }
    });
  }
}
