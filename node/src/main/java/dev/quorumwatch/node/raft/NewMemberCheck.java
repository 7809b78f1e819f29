package dev.quorumwatch.node.raft;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;

/**
 * A member about to be added must answer first. Ratis would otherwise stage a member that
 * does not answer and, while entries keep committing, might never decide that it makes no
 * progress: its staging check runs only when the leader's event queue stays idle for a whole
 * RPC timeout (twice the election timeout), and a busy cluster never is.
 */
final class NewMemberCheck {
  static final long TIMEOUT_MS = 5_000;

  private NewMemberCheck() {}

  /** Fails unless {@code member} answers a Raft admin call at its address (with TLS: holding a cluster-CA certificate). */
  static void assertAnswers(RaftMember member, RaftGroupId groupId, Parameters tls) throws IOException {
    RaftPeer peer = RaftPeer.newBuilder().setId(member.id()).setAddress(member.raft()).build();
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    try (RaftClient probe = RaftClient.newBuilder().setProperties(props).setParameters(tls)
        .setRaftGroup(RaftGroup.valueOf(groupId, peer)).setRetryPolicy(RetryPolicies.noRetry()).build()) {
      probe.getGroupManagementApi(peer.getId()).list();
    } catch (IOException | RuntimeException e) {
      throw new IOException("the new member " + member.id() + " does not answer at " + member.raft() + ": " + e, e);
    }
  }
}
