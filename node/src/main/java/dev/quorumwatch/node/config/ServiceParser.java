package dev.quorumwatch.node.config;

import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.ServiceSpec;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A service: {@code {id, endpoints: [target ids in priority order], failback: auto|manual,
 * failback_after: 60s, labels}}. Its active endpoint is decided by the cluster.
 */
final class ServiceParser {
  static final long DEFAULT_FAILBACK_AFTER_MS = 60_000;

  private ServiceParser() {}

  static ServiceSpec parse(YamlTree s, String id, Set<String> targetIds) throws ConfigException {
    s.onlyKeys(Set.of("id", "endpoints", "failback", "failback_after", "labels", "depends_on"));
    ServiceSpec.Builder spec = ServiceSpec.newBuilder().setId(id);
    Set<String> seen = new HashSet<>();
    for (YamlTree endpoint : s.list("endpoints")) {
      String target = endpoint.asString();
      if (!targetIds.contains(target)) {
        throw endpoint.error("'" + target + "' is not a target id in this file");
      }
      if (!seen.add(target)) {
        throw endpoint.error("'" + target + "' is listed twice");
      }
      spec.addEndpoints(target);
    }
    if (spec.getEndpointsCount() == 0) {
      throw s.child("endpoints").error("expected at least one endpoint (a target id)");
    }
    String failback = s.string("failback", "auto");
    spec.setFailback(switch (failback) {
      case "auto" -> ServiceSpec.Failback.FAILBACK_AUTO;
      case "manual" -> ServiceSpec.Failback.FAILBACK_MANUAL;
      default -> throw s.child("failback").error("expected auto or manual, got '" + failback + "'");
    });
    spec.setFailbackAfterMs(s.durationOrZeroMs("failback_after", DEFAULT_FAILBACK_AFTER_MS));
    for (Map.Entry<String, String> label : new TreeMap<>(s.stringMap("labels")).entrySet()) {
      spec.addLabels(Label.newBuilder().setName(label.getKey()).setValue(label.getValue()));
    }
    return spec.addAllDependsOn(s.strings("depends_on")).build();
  }
}
