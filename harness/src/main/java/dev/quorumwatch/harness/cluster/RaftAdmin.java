package dev.quorumwatch.harness.cluster;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.node.raft.RaftSettings;
import dev.quorumwatch.node.tls.NodeTls;
import dev.quorumwatch.node.tls.TlsFiles;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;

/** Raft-level calls to a local cluster's nodes, past the QuorumWatch API: as a member, an intruder, an admin. */
public final class RaftAdmin {
  private RaftAdmin() {}

  /**
   * A Ratis client holding node {@code i}'s identity: its config's group and, with TLS, its
   * certificate (the config must have been written: {@link LocalCluster#writeConfig}).
   */
  public static RaftClient client(LocalCluster cluster, int i, RetryPolicy retries) throws ConfigException {
    NodeConfig config = NodeConfigLoader.load(cluster.configFile(i));
    return client(config, config.tls().map(NodeTls::ratisParameters).orElseGet(Parameters::new), retries);
  }

  /** A Ratis client for node {@code i}'s group that shows {@code identity} in its TLS handshakes. */
  public static RaftClient client(LocalCluster cluster, int i, TlsFiles identity, RetryPolicy retries)
      throws ConfigException {
    return client(NodeConfigLoader.load(cluster.configFile(i)), NodeTls.ratisParameters(identity), retries);
  }

  private static RaftClient client(NodeConfig config, Parameters tls, RetryPolicy retries) {
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    return RaftClient.newBuilder().setProperties(props).setRaftGroup(RaftSettings.groupOf(config)).setParameters(tls)
        .setRetryPolicy(retries).build();
  }

  /** Asks node {@code i} to write a Raft snapshot now (Ratis admin API); returns the reply. */
  public static RaftClientReply snapshot(LocalCluster cluster, int i) throws IOException, ConfigException {
    try (RaftClient client = client(cluster, i, RetryPolicies.retryUpToMaximumCountWithFixedSleep(30,
        TimeDuration.valueOf(1, TimeUnit.SECONDS)))) {
      RaftClientReply reply = client.getSnapshotManagementApi(RaftPeerId.valueOf(cluster.id(i))).create(1, 30_000);
      if (!reply.isSuccess()) {
        throw new IOException("snapshot on " + cluster.id(i) + " failed: " + reply.getException());
      }
      return reply;
    }
  }
}
