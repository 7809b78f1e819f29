package dev.quorumwatch.harness.cluster;

import org.apache.ratis.thirdparty.com.google.common.util.concurrent.ListenableFuture;
import dev.quorumwatch.proto.StatusRequest;
import dev.quorumwatch.proto.StatusResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What a local cluster's nodes agree on, asked over their APIs: a leader (by all, by a
 * majority, a new one after a stop) and one state.
 */
public final class Agreement {
  static final long MAJORITY_POLL_DEADLINE_MS = 500;

  private Agreement() {}

  /**
   * As {@link LocalCluster#agreedLeader()}, not asking node {@code ignored}: a frozen node answers nobody,
   * and waiting out its status deadline would make every poll that long.
   */
  public static int leaderWithout(LocalCluster cluster, int ignored) {
    String agreed = null;
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.isRunning(i) || i == ignored) {
        continue;
      }
      Optional<StatusResponse> s = cluster.status(i);
      if (s.isEmpty() || s.get().getLeaderId().isEmpty()) {
        return -1;
      }
      if (agreed != null && !agreed.equals(s.get().getLeaderId())) {
        return -1;
      }
      agreed = s.get().getLeaderId();
    }
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.id(i).equals(agreed) && cluster.isRunning(i)) {
        return i;
      }
    }
    return -1;
  }

  /** The leader a majority of all nodes names (a node cut off from them may still believe otherwise), or -1. */
  public static int majorityLeader(LocalCluster cluster) {
    return majorityLeader(cluster, statusesNow(cluster));
  }

  /** As {@link #majorityLeader(LocalCluster)}, from statuses already asked for ({@link #statusesNow}). */
  public static int majorityLeader(LocalCluster cluster, List<Optional<StatusResponse>> statuses) {
    Map<String, Integer> votes = new HashMap<>();
    for (Optional<StatusResponse> status : statuses) {
      status.map(StatusResponse::getLeaderId).filter(l -> !l.isEmpty()).ifPresent(l -> votes.merge(l, 1, Integer::sum));
    }
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      int leader = LocalCluster.indexOf(e.getKey());
      if (e.getValue() >= cluster.size() / 2 + 1 && leader >= 0 && cluster.isRunning(leader)) {
        return leader;
      }
    }
    return -1;
  }

  /**
   * Every node's status, by index; empty for a node that is stopped or did not answer in time.
   * Every node is asked at once, with a short deadline: a paused node delays the answer by at
   * most that deadline instead of stalling a sampler for seconds.
   */
  public static List<Optional<StatusResponse>> statusesNow(LocalCluster cluster) {
    List<ListenableFuture<StatusResponse>> asks = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      asks.add(cluster.isRunning(i)
          ? cluster.futureStub(i).withDeadlineAfter(MAJORITY_POLL_DEADLINE_MS, TimeUnit.MILLISECONDS)
          .getStatus(StatusRequest.getDefaultInstance()) : null);
    }
    return asks.stream().map(Agreement::answerOf).toList();
  }

  private static Optional<StatusResponse> answerOf(ListenableFuture<StatusResponse> ask) {
    if (ask == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ask.get());
    } catch (ExecutionException noAnswer) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the later asks answer at once, empty
      return Optional.empty();
    }
  }

  /**
   * Polls the other nodes until they all name the same leader, not {@code old}, and returns
   * the time they first did. The stopping node itself is not asked: it may hang while it closes.
   */
  public static long awaitNewLeader(LocalCluster cluster, int old, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    String oldId = cluster.id(old);
    while (System.currentTimeMillis() < deadline) {
      String agreed = null;
      boolean all = true;
      for (int i = 0; i < cluster.size() && all; i++) {
        if (i == old) {
          continue;
        }
        Optional<String> named = cluster.status(i).map(StatusResponse::getLeaderId).filter(l -> !l.isEmpty());
        all = named.isPresent() && !named.get().equals(oldId) && (agreed == null || agreed.equals(named.get()));
        agreed = named.orElse(null);
      }
      if (all && agreed != null) {
        return System.currentTimeMillis();
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no new leader within " + timeoutMs + " ms after stopping " + oldId);
  }

  /** Waits until every running node reports the same applied index and state digest. */
  public static boolean awaitConverged(LocalCluster cluster, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      Set<String> states = new HashSet<>();
      boolean all = true;
      for (int i = 0; i < cluster.size(); i++) {
        if (!cluster.isRunning(i)) {
          continue;
        }
        Optional<StatusResponse> s = cluster.status(i);
        if (s.isEmpty()) {
          all = false;
          break;
        }
        states.add(s.get().getAppliedIndex() + "/" + s.get().getStateDigest());
      }
      if (all && states.size() == 1) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** The highest term any node reports: the elections since an earlier reading are the difference. */
  public static long highestTerm(LocalCluster cluster) {
    long term = 0;
    for (int i = 0; i < cluster.size(); i++) {
      term = Math.max(term, cluster.status(i).map(StatusResponse::getTerm).orElse(0L));
    }
    return term;
  }

  /** Each node's applied index, state digest and term, for a report of replicas that do not agree. */
  public static String states(LocalCluster cluster) {
    List<String> states = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      int node = i;
      states.add(cluster.id(i) + "=" + cluster.status(i).map(st -> st.getAppliedIndex() + "/" + st.getStateDigest()
          + "@term" + st.getTerm()).orElse(cluster.isRunning(node) ? "no answer" : "not running"));
    }
    return String.join(", ", states);
  }
}
