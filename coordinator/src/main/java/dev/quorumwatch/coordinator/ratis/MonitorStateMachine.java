package dev.quorumwatch.coordinator.ratis;

import dev.quorumwatch.coordinator.ApplyOutcome;
import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.Events;
import dev.quorumwatch.coordinator.StateCodec;
import dev.quorumwatch.coordinator.StateRestore;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.EventKind;
import dev.quorumwatch.proto.StateSnapshot;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Ratis adapter: decodes a {@link Command}, stamps it with the leader's time,
 * hands it to the {@link Coordinator} and publishes the outcome. Snapshots are the
 * coordinator's state as protobuf.
 */
public final class MonitorStateMachine extends BaseStateMachine {
  private static final Logger log = LoggerFactory.getLogger(MonitorStateMachine.class);
  /** Told about applied changes and leadership, on Ratis threads: keep it short. */
  public interface Listener {
    default void onApplied(long index, List<Event> events) {}

    default void onLeaderChanged(RaftPeerId leaderId) {}
  }

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final LongSupplier wallClockMs;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Map<Command.KindCase, LongAdder> appliedByKind = new EnumMap<>(Command.KindCase.class);
  private final LongAdder appliedBytes = new LongAdder();
  private Coordinator coordinator = new Coordinator();
  private long lastStampMs;

  /**
   * Who may append what, checked by the leader before a command enters the log (the node's
   * peer identity check, with TLS); null when the command may be appended.
   */
  public interface CommandGate {
    String refusal(Command command);
  }

  private volatile CommandGate commandGate = command -> null;

  /** Set before the Raft server starts; without it every command may be appended. */
  public void setCommandGate(CommandGate gate) {
    this.commandGate = gate;
  }

  public MonitorStateMachine(LongSupplier wallClockMs) {
    this.wallClockMs = wallClockMs;
    for (Command.KindCase kind : Command.KindCase.values()) {
      appliedByKind.put(kind, new LongAdder());
    }
  }

  /** Log entries applied on this replica since it started, by command kind (for metrics). */
  public long appliedCount(Command.KindCase kind) {
    return appliedByKind.get(kind).sum();
  }

  /** Bytes of command data in the log entries applied since start: what the log grows by, before Ratis' framing. */
  public long appliedBytes() {
    return appliedBytes.sum();
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Runs {@code reader} against this replica's state, consistent with one applied index. */
  public <T> T read(Function<Coordinator, T> reader) {
    synchronized (lock) {
      return reader.apply(coordinator);
    }
  }

  /**
   * Like {@link #read} once this replica has applied {@code index} (a command it just had
   * committed through the leader); empty when that takes longer than {@code timeoutMs}.
   */
  public <T> Optional<T> readAfter(long index, long timeoutMs, Function<Coordinator, T> reader)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    synchronized (lock) {
      while (appliedIndex() < index) {
        long leftMs = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) {
          return Optional.empty();
        }
        lock.wait(leftMs);
      }
      return Optional.of(reader.apply(coordinator));
    }
  }

  public long appliedIndex() {
    TermIndex ti = getLastAppliedTermIndex();
    return ti == null ? 0 : ti.getIndex();
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    getLifeCycle().startAndTransition(() -> loadSnapshot(storage.getLatestSnapshot()));
  }

  /**
   * Ratis pauses the state machine before it installs a snapshot sent by the leader, and its
   * updater refuses to reload one that is not paused: without this, the first snapshot a
   * lagging follower received closed its Raft server for good.
   */
  @Override
  public void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /**
   * A snapshot installed from the leader (this replica was too far behind) replaces the whole
   * state: listeners hear it as monitors applied, so the node probes, and takes pings for, the
   * targets the snapshot holds.
   */
  @Override
  public void reinitialize() throws IOException {
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    boolean loaded;
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      loaded = loadSnapshot(snapshot);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    } else {
      loaded = loadSnapshot(snapshot);
    }
    if (loaded) {
      Event restored = Events.of(EventKind.EVENT_KIND_MONITORS_APPLIED, read(Coordinator::clockMs))
          .setMessage("from a snapshot installed by the leader").build();
      for (Listener l : listeners) {
        l.onApplied(snapshot.getIndex(), List.of(restored));
      }
    }
  }

  private boolean loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      return false;
    }
    File file = snapshot.getFile().getPath().toFile();
    MD5Hash expected = snapshot.getFile().getFileDigest();
    if (expected != null && !MD5FileUtil.computeMd5ForFile(file).equals(expected)) {
      throw new IOException("snapshot " + file + " does not match its MD5");
    }
    StateSnapshot state;
    try (InputStream in = Files.newInputStream(file.toPath())) {
      state = StateSnapshot.parseFrom(in);
    }
    synchronized (lock) {
      coordinator = StateCodec.restore(state);
      setLastAppliedTermIndex(snapshot.getTermIndex());
      lock.notifyAll();
    }
    log.info("state restored from snapshot index={} targets={} incidents={} pending_notifications={}",
        snapshot.getIndex(), state.getTargetsCount(), state.getIncidentsCount(), state.getOutboxCount());
    return true;
  }

  /** Runs on the leader only: the leader's clock becomes the command's time for everyone. */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    Command command = Command.parseFrom(request.getMessage().getContent().toByteArray());
    long stamp;
    String problem = commandGate.refusal(command);
    synchronized (lock) {
      if (problem == null) {
        problem = coordinator.operatorCommandProblem(command);
      }
      stamp = Math.max(Math.max(wallClockMs.getAsLong(), lastStampMs), coordinator.clockMs());
      if (problem == null) {
        lastStampMs = stamp;
      }
    }
    if (problem != null) {
      // Refused before it reaches the log: the client gets a RejectedCommandException.
      TransactionContext refused = TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request).build();
      refused.setException(new RejectedCommandException(problem));
      return refused;
    }
    byte[] stamped = command.toBuilder().setAtMs(stamp).clearSignature().build().toByteArray();
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(ByteString.copyFrom(stamped))
        .build();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    ApplyOutcome outcome;
    try {
      ByteString data = entry.getStateMachineLogEntry().getLogData();
      appliedBytes.add(data.size());
      Command command = Command.parseFrom(data.toByteArray());
      synchronized (lock) {
        if (command.hasRestoreState()) {
          StateRestore.Restored restored = StateRestore.apply(coordinator, command);
          coordinator = restored.state();
          outcome = restored.outcome();
        } else {
          outcome = coordinator.apply(index, command);
        }
        updateLastAppliedTermIndex(entry.getTerm(), index);
        lock.notifyAll();
      }
      appliedByKind.get(command.getKindCase()).increment();
    } catch (IOException e) {
      // An entry this version cannot decode is skipped the same way on every replica.
      synchronized (lock) {
        updateLastAppliedTermIndex(entry.getTerm(), index);
        lock.notifyAll();
      }
      outcome = ApplyOutcome.rejected("undecodable command: " + e.getMessage());
    }
    if (outcome.internalError()) {
      log.error("entry rejected: applying it failed index={} reason=\"{}\" (every replica rejects it alike and goes on)",
          index, outcome.error());
    }
    if (!outcome.events().isEmpty()) {
      for (Listener l : listeners) {
        l.onApplied(index, outcome.events());
      }
    }
    CommandReply reply = CommandReply.newBuilder()
        .setAccepted(outcome.accepted())
        .setError(outcome.error())
        .setLogIndex(index)
        .setCreatedId(outcome.createdId())
        .build();
    return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply.toByteArray())));
  }

  /** Read-only requests only confirm that this replica can serve a linearizable read. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.valueOf(Long.toString(appliedIndex())));
  }

  @Override
  public long takeSnapshot() throws IOException {
    StateSnapshot state;
    TermIndex last;
    synchronized (lock) {
      state = StateCodec.snapshot(coordinator);
      last = getLastAppliedTermIndex();
    }
    if (last == null || last.getIndex() < 0) {
      return -1;
    }
    File target = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    File tmp = new File(target.getParentFile(), target.getName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp.toPath())) {
      state.writeTo(out);
    }
    Files.move(tmp.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), last));
    log.info("snapshot taken index={} bytes={}", last.getIndex(), target.length());
    return last.getIndex();
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    for (Listener l : listeners) {
      l.onLeaderChanged(newLeaderId);
    }
  }

  @Override
  public void notifyNotLeader(java.util.Collection<TransactionContext> pendingEntries) {
    for (Listener l : listeners) {
      l.onLeaderChanged(null);
    }
  }
}
