package dev.quorumwatch.node.report;

import dev.quorumwatch.proto.Observation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This node's changed opinions on their way from the probes to the cluster: the scheduler
 * hands each change in, the {@link Reporter} takes them all when it next writes (the latest
 * per target). Neither holds the other, so the node is wired in one direction: probes, then
 * the reporter.
 */
public final class ViewChanges {
  private final Map<String, Observation> pending = new LinkedHashMap<>();
  private volatile Runnable onChange = () -> { };

  /** A target's view changed: the reporter sends it at once, or with its next write while two are in flight. */
  public void changed(Observation observation) {
    synchronized (this) {
      pending.put(observation.getTargetId(), observation);
    }
    onChange.run();
  }

  void onChange(Runnable send) {
    onChange = send;
  }

  synchronized void drainInto(Map<String, Observation> batch) {
    batch.putAll(pending);
    pending.clear();
  }
}
