package dev.quorumwatch.node.config;

import dev.quorumwatch.node.receiver.ReceiverKind;
import dev.quorumwatch.node.receiver.ReceiverKinds;
import dev.quorumwatch.proto.ReceiverSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code receivers:} list: each receiver has an id, exactly one kind block (webhook,
 * email, slack, ...), an optional route, and an optional fallback receiver.
 */
final class ReceiverParser {
  static final long DEFAULT_FALLBACK_AFTER_MS = 2 * 60_000;
  /** Receivers are few in practice; the bound keeps the dispatcher's lanes and threads bounded. */
  static final int MAX_RECEIVERS = 256;

  private ReceiverParser() {}

  static List<ReceiverSpec> parse(YamlTree root) throws ConfigException {
    List<ReceiverSpec> out = new ArrayList<>();
    if (!root.has("receivers")) {
      return out;
    }
    List<YamlTree> receivers = root.list("receivers");
    if (receivers.size() > MAX_RECEIVERS) {
      throw root.child("receivers").error("expected at most " + MAX_RECEIVERS + " receivers, got " + receivers.size());
    }
    Set<String> keys = new HashSet<>(Set.of("id", "route", "fallback", "fallback_after"));
    ReceiverKinds.ALL.forEach(k -> keys.add(k.key()));
    Set<String> ids = new HashSet<>();
    for (YamlTree r : receivers) {
      r.onlyKeys(keys);
      String id = MonitorsParser.id(r);
      if (!ids.add(id)) {
        throw r.child("id").error("duplicate receiver id '" + id + "'");
      }
      ReceiverSpec.Builder spec = ReceiverSpec.newBuilder().setId(id);
      List<ReceiverKind> kinds = ReceiverKinds.ALL.stream().filter(k -> r.has(k.key())).toList();
      if (kinds.size() != 1) {
        throw r.error("expected exactly one kind: " + String.join(", ", ReceiverKinds.ALL.stream()
            .map(ReceiverKind::key).toList()) + (kinds.isEmpty() ? "" : "; got " + String.join(" and ",
            kinds.stream().map(ReceiverKind::key).toList())));
      }
      kinds.get(0).parse(r.object(kinds.get(0).key()), spec);
      spec.setRoute(RouteParser.parse(r.has("route") ? r.object("route") : null));
      if (r.has("fallback")) {
        spec.setFallback(r.string("fallback"));
        spec.setFallbackAfterMs(r.durationMs("fallback_after", DEFAULT_FALLBACK_AFTER_MS));
      } else if (r.has("fallback_after")) {
        throw r.child("fallback_after").error("needs a fallback receiver");
      }
      out.add(spec.build());
    }
    for (int i = 0; i < out.size(); i++) {
      String fallback = out.get(i).getFallback();
      if (!fallback.isEmpty() && (fallback.equals(out.get(i).getId()) || !ids.contains(fallback))) {
        throw receivers.get(i).child("fallback").error("expected the id of another receiver, got '" + fallback + "'");
      }
    }
    return out;
  }
}
