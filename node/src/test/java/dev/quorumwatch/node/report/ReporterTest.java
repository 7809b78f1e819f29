package dev.quorumwatch.node.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import dev.quorumwatch.node.raft.CommandSink;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.VoteState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReporterTest {
  /** A Raft log stand-in that holds each write until the test completes it. */
  static final class FakeSink implements CommandSink {
    final List<ReportView> writes = new ArrayList<>();
    final List<CompletableFuture<CommandReply>> replies = new ArrayList<>();
    final List<Long> timeoutsMs = new ArrayList<>();
    /** Commit every write as it is submitted, as a leader on loopback all but does. */
    volatile boolean commitAtOnce;

    @Override
    public synchronized CompletableFuture<CommandReply> submit(Command command, long answerTimeoutMs) {
      timeoutsMs.add(answerTimeoutMs);
      return CommandSink.super.submit(command, answerTimeoutMs);
    }

    synchronized long timeoutMs(int i) {
      return timeoutsMs.get(i);
    }

    @Override
    public synchronized CompletableFuture<CommandReply> submit(Command command) {
      writes.add(command.getReportView());
      CompletableFuture<CommandReply> reply = new CompletableFuture<>();
      replies.add(reply);
      if (commitAtOnce) {
        reply.complete(CommandReply.newBuilder().setAccepted(true).build());
      }
      return reply;
    }

    synchronized int count() {
      return writes.size();
    }

    synchronized ReportView write(int i) {
      return writes.get(i);
    }

    void commit(int i) {
      CompletableFuture<CommandReply> reply;
      synchronized (this) {
        reply = replies.get(i);
      }
      reply.complete(CommandReply.newBuilder().setAccepted(true).build());
    }

    void fail(int i) {
      CompletableFuture<CommandReply> reply;
      synchronized (this) {
        reply = replies.get(i);
      }
      reply.completeExceptionally(new java.io.IOException("no leader"));
    }

    /** As RaftWrites ends a write whose answer timeout ran out. */
    void timeOut(int i) {
      CompletableFuture<CommandReply> reply;
      synchronized (this) {
        reply = replies.get(i);
      }
      reply.completeExceptionally(new java.util.concurrent.CompletionException(new java.util.concurrent.TimeoutException()));
    }
  }

  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final FakeSink sink = new FakeSink();
  final List<Observation> view = new ArrayList<>();
  final ViewChanges changes = new ViewChanges();
  final MetricRegistry metrics = new MetricRegistry();
  final Reporter reporter = new Reporter("n1", "r1", sink, changes, () -> List.copyOf(view), List::of, timer,
      metrics);

  @AfterEach
  void stop() {
    reporter.close();
    timer.shutdownNow();
  }

  /**
   * Write 0 (the full view, holding {@code seen}) committed, then write 1 (carrying
   * {@code change}) in flight; no heartbeat during the test, so every later write is the
   * reporter's own doing.
   */
  void oneChangeInFlightAfterTheFullView(Observation seen, Observation change) {
    view.add(seen);
    reporter.start(60_000);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 1);
    sink.commit(0);
    changes.changed(change);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 2);
  }

  static Observation obs(String target, VoteState state) {
    return Observation.newBuilder().setTargetId(target).setState(state).build();
  }

  @Test
  void theFirstReportIsTheFullView() {
    view.add(obs("a", VoteState.VOTE_UP));
    reporter.start(60_000);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 1);
    assertThat(sink.write(0).getFull()).isTrue();
    assertThat(sink.write(0).getObservationsList()).containsExactly(obs("a", VoteState.VOTE_UP));
    assertThat(sink.write(0).getNodeId()).isEqualTo("n1");
    assertThat(sink.write(0).getRegion()).isEqualTo("r1");
  }

  @Test
  void aChangeDoesNotWaitForTheWriteInFlightAndCarriesWhatThatOneDid() {
    oneChangeInFlightAfterTheFullView(obs("a", VoteState.VOTE_UP), obs("x", VoteState.VOTE_DOWN));

    // Write 1 is in flight (across regions, a round trip or two): the next change goes at once.
    changes.changed(obs("t0", VoteState.VOTE_DOWN));
    assertThat(sink.count()).as("a second write, not waiting for the first").isEqualTo(3);
    assertThat(sink.write(2).getFull()).isFalse();
    assertThat(sink.write(2).getObservationsList()).as("what write 1 carried too: it supersedes it")
        .containsExactly(obs("x", VoteState.VOTE_DOWN), obs("t0", VoteState.VOTE_DOWN));
    assertThat(sink.write(2).getSeq()).isGreaterThan(sink.write(1).getSeq());

    // Two in flight: changes wait, then go out together, the latest state per target.
    for (int i = 1; i < 100; i++) {
      changes.changed(obs("t" + i, i % 2 == 0 ? VoteState.VOTE_DOWN : VoteState.VOTE_UP));
    }
    changes.changed(obs("t0", VoteState.VOTE_UP));
    assertThat(sink.count()).as("never more than two writes in flight").isEqualTo(3);
    sink.commit(1);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 4);
    ReportView batch = sink.write(3);
    assertThat(batch.getFull()).isFalse();
    assertThat(batch.getObservationsCount()).as("x and t0..t99, once each").isEqualTo(101);
    assertThat(batch.getObservationsList()).filteredOn(o -> o.getTargetId().equals("t0"))
        .extracting(Observation::getState).containsExactly(VoteState.VOTE_UP);

    // The newest write committed, and with it everything: the next change travels alone.
    sink.commit(2);
    sink.commit(3);
    changes.changed(obs("y", VoteState.VOTE_UP));
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 5);
    assertThat(sink.write(4).getObservationsList()).containsExactly(obs("y", VoteState.VOTE_UP));
  }

  @Test
  void aChangeBesideAFullViewInFlightIsSentAsAFullViewToo() {
    // Should the change's write be applied first, the full one is ignored as older: the
    // change's write must withdraw what the full view withdraws, so it is one itself.
    view.add(obs("a", VoteState.VOTE_UP));
    reporter.start(60_000);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 1);
    changes.changed(obs("b", VoteState.VOTE_DOWN));
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 2);
    assertThat(sink.write(1).getFull()).isTrue();
    assertThat(sink.write(1).getObservationsList())
        .containsExactly(obs("a", VoteState.VOTE_UP), obs("b", VoteState.VOTE_DOWN));
  }

  @Test
  void aHeartbeatWaitsForTheWriteInFlight() {
    reporter.start(1_000); // a write times out after two intervals: the test stays within one and a half
    await().atMost(Duration.ofSeconds(1)).until(() -> sink.count() == 1);
    await().during(Duration.ofMillis(1_400)).atMost(Duration.ofMillis(1_800)).until(() -> sink.count() == 1);
    sink.commit(0);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 2);
  }

  @Test
  void afterAFailedWriteOrALeaderChangeTheNextReportIsTheFullView() {
    view.add(obs("a", VoteState.VOTE_DOWN));
    reporter.start(200);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 1);
    sink.commit(0);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 2);
    assertThat(sink.write(1).getFull()).as("a plain heartbeat").isFalse();
    assertThat(sink.write(1).getObservationsCount()).isZero();
    sink.fail(1);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 3);
    assertThat(sink.write(2).getFull()).isTrue();
    assertThat(sink.write(2).getObservationsList()).containsExactly(obs("a", VoteState.VOTE_DOWN));
  }

  @Test
  void aLeaderChangeGivesUpTheWriteInFlightAndSendsTheFullViewAtOnce() {
    oneChangeInFlightAfterTheFullView(obs("a", VoteState.VOTE_DOWN), obs("a", VoteState.VOTE_UP));
    // Write 1 went to a leader that froze: nothing answers it. The node hears of a new leader.
    reporter.onLeaderChanged();
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 3);
    assertThat(sink.write(2).getFull()).as("the full view, without waiting for write 1").isTrue();
    assertThat(sink.write(2).getSeq()).isGreaterThan(sink.write(1).getSeq());
    // Sent before the new leader was ready, it fails: resent at once, not at the next heartbeat.
    sink.fail(2);
    assertThat(metrics.meter("quorumwatch.reporter.writes_failed").getCount()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 4);
    assertThat(sink.write(3).getFull()).isTrue();
    sink.commit(3);
    // Write 1's late answer (the old leader resumed) changes nothing.
    sink.fail(1);
    changes.changed(obs("b", VoteState.VOTE_UP));
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 5);
    assertThat(sink.write(4).getFull()).isFalse();
    assertThat(sink.write(4).getObservationsList()).containsExactly(obs("b", VoteState.VOTE_UP));
    // Settled: a failure now waits for the next heartbeat as before.
    sink.fail(4);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> sink.count() == 5);
  }

  @Test
  void aQuickWriteResentAfterItsShortTimeoutIsNoFailureButTheLastQuickOneIs() {
    sink.commitAtOnce = true;
    changes.changed(obs("a", VoteState.VOTE_UP));
    sink.commitAtOnce = false;
    reporter.onLeaderChanged();
    for (int quick = 1; quick <= Reporter.QUICK_RETRIES; quick++) {
      int write = quick;
      await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == write + 1);
      assertThat(sink.write(write).getFull()).isTrue();
      assertThat(metrics.meter("quorumwatch.reporter.writes_failed").getCount())
          .as("quick write %d: the earlier ones ran out of their short timeout and were resent", write).isZero();
      sink.timeOut(write);
    }
    assertThat(metrics.meter("quorumwatch.reporter.writes_failed").getCount())
        .as("the last quick write timed out with nothing left to resend it: failed").isEqualTo(1);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1))
        .until(() -> sink.count() == Reporter.QUICK_RETRIES + 1);
  }

  @Test
  void afterALeaderChangeTheFirstWritesGetAQuarterOfTheTimeoutHoweverLongWritesTake() throws InterruptedException {
    // Not started, so no heartbeats: every write is a change's, with the usual 2 s timeout.
    sink.commitAtOnce = true;
    changes.changed(obs("a", VoteState.VOTE_UP));
    assertThat(sink.timeoutMs(0)).isEqualTo(2_000);
    sink.commitAtOnce = false;
    // Writes that each take 300 ms or more, as across a continent.
    for (int i = 1; i < 6; i++) {
      changes.changed(obs("c" + i, VoteState.VOTE_UP));
      int write = i;
      await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == write + 1);
      Thread.sleep(300); // the write's time on a wide-area link, not a wait for a condition
      sink.commit(write);
    }
    // A first write to a new leader may hang whatever the link: resent after a quarter.
    reporter.onLeaderChanged();
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 7);
    assertThat(sink.timeoutMs(6)).isEqualTo(500);
    sink.fail(6);
    await().atMost(Duration.ofSeconds(2)).until(() -> sink.count() == 8);
    assertThat(sink.timeoutMs(7)).as("resent at once, with the short timeout again").isEqualTo(500);
  }
}
