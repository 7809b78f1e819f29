package dev.quorumwatch.node.raft;

import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.SetCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-only, once per term: makes the replicated cluster settings equal to this node's
 * configuration, and applies {@code monitors_file} when no monitors file was ever applied.
 */
public final class ClusterSettingsPublisher {
  private static final Logger log = LoggerFactory.getLogger(ClusterSettingsPublisher.class);

  private final NodeConfig config;
  private final MonitorStateMachine state;
  private final CommandSink sink;

  public ClusterSettingsPublisher(NodeConfig config, MonitorStateMachine state, CommandSink sink) {
    this.config = config;
    this.state = state;
    this.sink = sink;
  }

  public SetCluster desired() {
    SetCluster.Builder s = SetCluster.newBuilder()
        .setClusterId(config.clusterId())
        .setQuorum(config.quorum())
        .setStaleAfterMs(config.staleAfterMs());
    for (NodeConfig.Peer p : config.peers()) {
      s.addMembers(Member.newBuilder().setId(p.id()).setRegion(p.region()).setApi(p.api().toString()));
    }
    return s.build();
  }

  public void publish() {
    SetCluster desired = desired();
    if (!desired.equals(state.read(c -> c.clusterSettings()))) {
      sink.submit(Command.newBuilder().setSetCluster(desired).build()).whenComplete((reply, error) -> {
        if (error != null || !reply.getAccepted()) {
          log.warn("cluster settings not committed error=\"{}\"", error != null ? error.getMessage() : reply.getError());
        } else {
          log.info("cluster settings committed members={} quorum={}", desired.getMembersCount(), desired.getQuorum());
        }
      });
    }
    boolean neverConfigured = state.read(c -> c.monitorsIndex() == 0);
    if (neverConfigured && config.monitorsFile().isPresent()) {
      applyMonitorsFile(config.monitorsFile().get());
    }
  }

  private void applyMonitorsFile(Path file) {
    MonitorsSpec spec;
    try {
      spec = MonitorsParser.parse(file.toString(), Files.readString(file));
    } catch (IOException e) {
      log.error("monitors_file not applied file={} error=\"{}\"", file, e.getMessage());
      return;
    } catch (ConfigException e) {
      log.error("monitors_file not applied: {}", e.getMessage());
      return;
    }
    Command command = Command.newBuilder()
        .setApplyMonitors(ApplyMonitors.newBuilder().setSpec(spec).setSource(file.toString()))
        .build();
    sink.submit(command).whenComplete((reply, error) -> {
      if (error != null || !reply.getAccepted()) {
        log.error("monitors_file not applied file={} error=\"{}\"", file, error != null ? error.getMessage() : reply.getError());
      } else {
        log.info("monitors_file applied file={} targets={}", file, spec.getTargetsCount());
      }
    });
  }
}
