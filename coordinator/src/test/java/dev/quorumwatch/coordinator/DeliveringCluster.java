package dev.quorumwatch.coordinator;

import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Event;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.VoteState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A coordinator driven as a three-node cluster whose receivers always accept: its own log
 * index and clock, and every notification it decides recorded in {@link #sent} and confirmed
 * delivered at once, as a leader's dispatcher would.
 */
class DeliveringCluster {
  static final String[] NODES = {"us-west", "us-east", "eu-west"};

  final Coordinator c = new Coordinator();
  long index;
  long now;
  final List<Notification> sent = new ArrayList<>();
  final List<Event> events = new ArrayList<>();

  DeliveringCluster(long startMs, MonitorsSpec monitors) {
    now = startMs;
    apply(Commands.cluster(now, 2, 3000, NODES));
    apply(Commands.apply(now, monitors));
  }

  ApplyOutcome apply(Command command) {
    ApplyOutcome outcome = c.apply(++index, command);
    events.addAll(outcome.events());
    List<String> ids = new ArrayList<>();
    for (Notification n : c.pendingNotifications()) {
      sent.add(n);
      ids.add(n.getId());
    }
    if (!ids.isEmpty()) {
      c.apply(++index, Commands.delivered(now, ids.toArray(String[]::new)));
    }
    return outcome;
  }

  /** Every node reports these votes now (all nodes stay fresh). */
  void allSee(Map<String, VoteState> votes) {
    for (String node : NODES) {
      apply(Commands.report(now, node, false, votes));
    }
  }

  /** The given nodes report these votes, the others report nothing new (all stay fresh). */
  void nodesSee(List<String> nodes, Map<String, VoteState> votes) {
    for (String node : NODES) {
      apply(Commands.report(now, node, false, nodes.contains(node) ? votes : Map.of()));
    }
  }

  /** Moves time on in one-second heartbeats from every node, so nobody goes stale. */
  void advance(long ms) {
    for (long t = 0; t < ms; t += 1000) {
      now += Math.min(1000, ms - t);
      allSee(Map.of());
    }
  }

  /** A notification's alerts as "alertname:target-or-node:status". */
  static List<String> alerts(Notification n) {
    return n.getAlertsList().stream().map(a -> a.getAlertname() + ":" + a.getTargetId() + a.getNodeId() + ":"
        + a.getStatus()).toList();
  }

  List<Notification> sentSince(int from) {
    return sent.subList(from, sent.size());
  }
}
