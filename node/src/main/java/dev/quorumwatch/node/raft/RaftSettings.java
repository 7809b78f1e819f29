package dev.quorumwatch.node.raft;

import dev.quorumwatch.node.config.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * What the Raft server is configured with: the group's identity from node.yaml, and what we
 * change from Ratis' defaults, and why.
 */
public final class RaftSettings {
  /**
   * A quiet cluster writes a few entries a second, so this is a snapshot every half hour or so:
   * a restart replays at most this many entries, and the log on disk stays small. (At 10,000
   * targets a snapshot is ~3 MiB and takes ~2 s, during which applying waits.)
   */
  static final long SNAPSHOT_EVERY_ENTRIES = 5_000;
  static final long STEP_DOWN_WAIT_MS = 1_000;
  /** Ten quick retries, then one about every 500 ms for as long as the follower stays away (Ratis' format: sleep,count pairs). */
  static final String APPENDER_RETRY_POLICY = "1ms,10, 500ms," + Integer.MAX_VALUE;
  /**
   * Room in the log's write buffer for an entry's framing (its length and checksum) beyond the
   * largest entry Ratis accepts (the appender's byte limit).
   */
  static final int LOG_ENTRY_FRAMING_BYTES = 4 * 1024;
  /**
   * The largest command, encoded, that a node hands to Raft. Ratis refuses a log entry over its
   * append limit (4 MiB, its default, which we keep); the rest is room for the entry's own
   * fields (term, index, client and call ids).
   */
  public static final int COMMAND_BYTES_MAX =
      RaftServerConfigKeys.Log.Appender.BUFFER_BYTE_LIMIT_DEFAULT.getSizeInt() - 64 * 1024;

  private RaftSettings() {}

  public static RaftGroup groupOf(NodeConfig config) {
    UUID uuid = UUID.nameUUIDFromBytes(("quorumwatch:" + config.clusterId()).getBytes(StandardCharsets.UTF_8));
    List<RaftPeer> peers = config.peers().stream()
        .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.raft().toString()).build())
        .toList();
    return RaftGroup.valueOf(RaftGroupId.valueOf(uuid), peers);
  }

  /**
   * A follower waits a random time between the election timeout and twice it before it stands
   * for election. Across regions, a vote's round trip must fit in it with room to spare.
   */
  public static void setElectionTimeout(RaftProperties props, long electionTimeoutMs) {
    RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(electionTimeoutMs, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(2 * electionTimeoutMs, TimeUnit.MILLISECONDS));
  }

  static RaftProperties serverProperties(NodeConfig config) {
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(props, config.raftListen().host());
    GrpcConfigKeys.Server.setPort(props, config.raftListen().port());
    RaftServerConfigKeys.setStorageDir(props, List.of(config.dataDir().toFile()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, SNAPSHOT_EVERY_ENTRIES);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
    // Leadership confirmation for deliveries uses linearizable reads; with the lease the
    // leader answers them locally while a majority acknowledged it within 0.9 x the minimum
    // election timeout, and refuses once that lapses.
    RaftServerConfigKeys.Read.setOption(props, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(props, true);
    // A member being added must show progress within this; the default (~1 s) fails the
    // change while the new node's JVM is still warming up.
    RaftServerConfigKeys.setStagingTimeout(props, TimeDuration.valueOf(15, TimeUnit.SECONDS));
    setElectionTimeout(props, config.electionTimeoutMs());
    // A leader that lost its majority sits out elections for this long (Ratis' default: 10 s).
    // When it holds the newest log, as after the others crashed and came back, nobody else can
    // win, so the cluster stayed leaderless that long with a majority up (bench chaos --seed 17:
    // 10-13 s). Pre-vote already keeps a cut-off node from disrupting the others.
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(props,
        TimeDuration.valueOf(STEP_DOWN_WAIT_MS, TimeUnit.MILLISECONDS));
    // How long the leader waits before it tries a follower again after failed sends. Ratis'
    // default waits about 1 s after the first ten failures and about 5 s (up to 7.5) after
    // thirty, so a follower that was down for more than ~20 s heard from the leader seconds
    // after it came back, its replica falling behind meanwhile. About every half second costs
    // two failed sends a second to a follower that is down, and lets one that is back follow at once.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(props, APPENDER_RETRY_POLICY);
    // Ratis appends a metadata entry (the new commit index) after each commit, so followers
    // apply at once. It doubles a quiet cluster's log entries and replication rounds; without
    // it a follower learns the commit index from the leader's next heartbeat (every half
    // minimum election timeout). Pages, failovers and repairs are the leader's, and an API
    // write answers once the replica it went to has applied it, so what lags is what another
    // node shows (its API, status page, the targets it probes), for at most that long.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(props, false);
    // The log writes each entry through one direct buffer that must hold the largest entry;
    // Ratis' 8 MiB default is twice the largest entry it accepts, and all of it is resident.
    RaftServerConfigKeys.Log.setWriteBufferSize(props, SizeInBytes.valueOf(
        RaftServerConfigKeys.Log.Appender.bufferByteLimit(props).getSize() + LOG_ENTRY_FRAMING_BYTES));
    return props;
  }
}
