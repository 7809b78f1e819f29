package dev.quorumwatch.coordinator.failover;

import dev.quorumwatch.coordinator.incident.Severity;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.SetActiveEndpoint;
import dev.quorumwatch.proto.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The active endpoint of each service: the first endpoint, in priority order, whose
 * consensus verdict is not DOWN. Moving away from a DOWN endpoint happens at once; moving
 * back to a higher-priority one only after it has been UP for {@code failback_after} (or
 * only by command with {@code failback: manual}). An operator may pin an endpoint: no
 * automatic failback while pinned, but a pinned endpoint that goes DOWN is still left.
 * The only owner of service records; verdicts and time come from the caller.
 */
public final class Failover {
  public static final String ALERT_FAILOVER = "ServiceFailover";
  public static final String ALERT_FAILBACK = "ServiceFailback";

  /** The one-shot ServiceFailover or ServiceFailback alert for a move (not for a first choice). */
  public static Incident.Builder alertFor(Change change, ServiceSpec spec) {
    ServiceRecord r = change.record();
    List<String> endpoints = spec.getEndpointsList();
    boolean back = change.kind() == Kind.FAILBACK || (change.kind() == Kind.MANUAL
        && endpoints.indexOf(r.getActiveEndpoint()) < endpoints.indexOf(change.from()));
    return Incident.newBuilder()
        .setAlertname(back ? ALERT_FAILBACK : ALERT_FAILOVER)
        .setSeverity(Severity.WARNING)
        .addAllLabels(spec.getLabelsList())
        .addLabels(Label.newBuilder().setName("service").setValue(r.getServiceId()))
        .addLabels(Label.newBuilder().setName("from").setValue(change.from()))
        .addLabels(Label.newBuilder().setName("to").setValue(r.getActiveEndpoint()))
        .setSummary(r.getServiceId() + " moved from " + change.from() + " to " + r.getActiveEndpoint() + ": "
            + r.getReason());
  }

  /** What the rule reads about targets. */
  public interface Verdicts {
    Verdict verdict(String targetId);

    /** Since when the target has had its current verdict. */
    long sinceMs(String targetId);
  }

  /** A move of a service's active endpoint; {@code from} is empty for the first choice. */
  public record Change(ServiceRecord record, String from, Kind kind) {}

  public enum Kind {
    /** The first choice for a new service: nothing moved, nobody is told. */
    INITIAL,
    /** Away from a DOWN (or removed) endpoint. */
    FAILOVER,
    /** Back to a higher-priority endpoint that has been UP for failback_after. */
    FAILBACK,
    /** By operator command. */
    MANUAL
  }

  private final TreeMap<String, ServiceRecord> records = new TreeMap<>();

  /** Applies the rule to every service; returns the moves, in service id order. */
  public List<Change> evaluate(long index, long nowMs, Collection<ServiceSpec> services, Verdicts verdicts) {
    List<Change> changes = new ArrayList<>();
    for (ServiceSpec spec : services) {
      evaluate(index, nowMs, spec, verdicts).ifPresent(changes::add);
    }
    return changes;
  }

  private Optional<Change> evaluate(long index, long nowMs, ServiceSpec spec, Verdicts verdicts) {
    List<String> endpoints = spec.getEndpointsList();
    String firstAlive = endpoints.stream().filter(e -> verdicts.verdict(e) != Verdict.VERDICT_DOWN).findFirst()
        .orElse(null);
    ServiceRecord current = records.get(spec.getId());
    if (current == null) {
      String choice = firstAlive != null ? firstAlive : endpoints.get(0);
      return Optional.of(move(index, nowMs, spec.getId(), null, choice, "first endpoint not DOWN", "", Kind.INITIAL));
    }
    String active = current.getActiveEndpoint();
    if (!endpoints.contains(active)) {
      String choice = firstAlive != null ? firstAlive : endpoints.get(0);
      return Optional.of(move(index, nowMs, spec.getId(), current, choice,
          active + " is no longer an endpoint of " + spec.getId(), "", Kind.FAILOVER));
    }
    if (verdicts.verdict(active) == Verdict.VERDICT_DOWN) {
      if (firstAlive == null) {
        return Optional.empty(); // nowhere better to go: stay, the TargetDown pages say the rest
      }
      return Optional.of(move(index, nowMs, spec.getId(), current, firstAlive, active + " is DOWN", "",
          Kind.FAILOVER));
    }
    if (!current.getPinnedBy().isEmpty() || spec.getFailback() == ServiceSpec.Failback.FAILBACK_MANUAL) {
      return Optional.empty();
    }
    for (String candidate : endpoints.subList(0, endpoints.indexOf(active))) {
      if (verdicts.verdict(candidate) == Verdict.VERDICT_UP
          && nowMs - verdicts.sinceMs(candidate) >= spec.getFailbackAfterMs()) {
        return Optional.of(move(index, nowMs, spec.getId(), current, candidate,
            candidate + " UP for " + (nowMs - verdicts.sinceMs(candidate)) / 1000 + " s", "", Kind.FAILBACK));
      }
    }
    return Optional.empty();
  }

  /** Why an operator's command cannot be applied, or null. */
  public String problem(SetActiveEndpoint command, ServiceSpec spec, Verdicts verdicts) {
    if (spec == null) {
      return "no service " + command.getServiceId();
    }
    String endpoint = command.getEndpoint();
    if (endpoint.isEmpty()) {
      return null;
    }
    if (!spec.getEndpointsList().contains(endpoint)) {
      return endpoint + " is not an endpoint of " + spec.getId() + " (endpoints: "
          + String.join(", ", spec.getEndpointsList()) + ")";
    }
    if (verdicts.verdict(endpoint) == Verdict.VERDICT_DOWN) {
      return endpoint + " is DOWN; choose an endpoint that is not";
    }
    return null;
  }

  /**
   * An operator's command, already checked by {@link #problem}: pins the endpoint, or with
   * an empty endpoint hands the service back to the rule. Returns the move, if any.
   */
  public Optional<Change> set(long index, long nowMs, SetActiveEndpoint command) {
    ServiceRecord current = records.get(command.getServiceId());
    String by = command.getBy().isEmpty() ? "unknown" : command.getBy();
    if (command.getEndpoint().isEmpty()) {
      if (current != null) {
        records.put(current.getServiceId(), current.toBuilder().setPinnedBy("").build());
      }
      return Optional.empty();
    }
    String reason = "manual" + (command.getReason().isEmpty() ? "" : ": " + command.getReason()) + " (by " + by + ")";
    if (current != null && current.getActiveEndpoint().equals(command.getEndpoint())) {
      records.put(current.getServiceId(), current.toBuilder().setPinnedBy(by).build());
      return Optional.empty();
    }
    return Optional.of(move(index, nowMs, command.getServiceId(), current, command.getEndpoint(), reason, by,
        Kind.MANUAL));
  }

  private Change move(long index, long nowMs, String serviceId, ServiceRecord current, String to, String reason,
      String pinnedBy, Kind kind) {
    ServiceRecord next = ServiceRecord.newBuilder()
        .setServiceId(serviceId)
        .setActiveEndpoint(to)
        .setActiveSinceMs(nowMs)
        .setReason(reason)
        .setVersion(current == null ? 1 : current.getVersion() + 1)
        .setPinnedBy(pinnedBy)
        .setChangedAtIndex(index)
        .build();
    records.put(serviceId, next);
    return new Change(next, current == null ? "" : current.getActiveEndpoint(), kind);
  }

  /** Forgets services no longer configured. */
  public void keepServices(Set<String> ids) {
    records.keySet().retainAll(ids);
  }

  public Optional<ServiceRecord> get(String serviceId) {
    return Optional.ofNullable(records.get(serviceId));
  }

  public Collection<ServiceRecord> all() {
    return records.values();
  }

  public void restore(Collection<ServiceRecord> saved) {
    records.clear();
    saved.forEach(r -> records.put(r.getServiceId(), r));
  }
}
