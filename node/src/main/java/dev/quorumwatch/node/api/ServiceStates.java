package dev.quorumwatch.node.api;

import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.proto.EndpointState;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceSpec;
import dev.quorumwatch.proto.ServiceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A service as clients see it: the replicated record with its endpoints' verdicts. */
final class ServiceStates {
  private ServiceStates() {}

  static List<ServiceState> all(Coordinator c) {
    List<ServiceState> out = new ArrayList<>();
    for (ServiceRecord r : c.services()) {
      spec(c, r.getServiceId()).ifPresent(spec -> out.add(of(c, spec, r)));
    }
    return out;
  }

  static Optional<ServiceState> one(Coordinator c, String serviceId) {
    return c.service(serviceId).flatMap(r -> spec(c, serviceId).map(spec -> of(c, spec, r)));
  }

  static ServiceState of(Coordinator c, ServiceSpec spec, ServiceRecord r) {
    ServiceState.Builder s = ServiceState.newBuilder()
        .setService(r.getServiceId())
        .setActiveEndpoint(r.getActiveEndpoint())
        .setActiveSinceMs(r.getActiveSinceMs())
        .setReason(r.getReason())
        .setVersion(r.getVersion())
        .setPinnedBy(r.getPinnedBy())
        .setFailbackManual(spec.getFailback() == ServiceSpec.Failback.FAILBACK_MANUAL)
        .setFailbackAfterMs(spec.getFailbackAfterMs())
        .setLogIndex(r.getChangedAtIndex());
    for (String endpoint : spec.getEndpointsList()) {
      s.addEndpoints(EndpointState.newBuilder().setTarget(endpoint).setVerdict(c.verdictOf(endpoint)));
    }
    return s.build();
  }

  static Optional<ServiceSpec> spec(Coordinator c, String serviceId) {
    return c.monitors().getServicesList().stream().filter(s -> s.getId().equals(serviceId)).findFirst();
  }
}
