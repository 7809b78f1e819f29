package dev.quorumwatch.node.config;

import dev.quorumwatch.coordinator.MonitorsCheck;
import dev.quorumwatch.proto.StatusGroupSpec;
import dev.quorumwatch.proto.StatusItemSpec;
import dev.quorumwatch.proto.StatusPageSpec;
import java.util.HashSet;
import java.util.Set;

/**
 * A public status page: {@code {id, title, groups: [{name, items: [{target | service, name}]}]}}.
 * Only what is listed is shown, under the names given here; ids stay private.
 */
final class StatusPageParser {
  private StatusPageParser() {}

  static StatusPageSpec parse(YamlTree p, String id, Set<String> targetIds, Set<String> serviceIds)
      throws ConfigException {
    p.onlyKeys(Set.of("id", "title", "groups"));
    StatusPageSpec.Builder page = StatusPageSpec.newBuilder().setId(id).setTitle(name(p, "title"));
    Set<String> listed = new HashSet<>();
    int items = 0;
    for (YamlTree g : p.list("groups")) {
      g.onlyKeys(Set.of("name", "items"));
      StatusGroupSpec.Builder group = StatusGroupSpec.newBuilder().setName(name(g, "name"));
      for (YamlTree i : g.list("items")) {
        i.onlyKeys(Set.of("target", "service", "name"));
        StatusItemSpec.Builder item = StatusItemSpec.newBuilder().setName(name(i, "name"));
        if (i.has("target") == i.has("service")) {
          throw i.error("expected exactly one of target or service");
        }
        String key = i.has("target") ? "target" : "service";
        String ref = i.string(key);
        if (!(key.equals("target") ? targetIds : serviceIds).contains(ref)) {
          throw i.child(key).error("'" + ref + "' is not a " + key + " id in this file");
        }
        if (!listed.add(key + ":" + ref)) {
          throw i.child(key).error("'" + ref + "' is listed twice on this page");
        }
        if (key.equals("target")) {
          item.setTargetId(ref);
        } else {
          item.setServiceId(ref);
        }
        group.addItems(item);
        items++;
      }
      page.addGroups(group);
    }
    if (items == 0) {
      throw p.child("groups").error("expected at least one item (a target or service)");
    }
    if (items > MonitorsCheck.MAX_STATUS_ITEMS) {
      throw p.child("groups").error("expected at most " + MonitorsCheck.MAX_STATUS_ITEMS + " items, got " + items);
    }
    return page.build();
  }

  private static String name(YamlTree t, String key) throws ConfigException {
    String name = t.string(key).strip();
    if (name.isEmpty() || name.length() > MonitorsCheck.MAX_STATUS_NAME_CHARS) {
      throw t.child(key).error("expected 1 to " + MonitorsCheck.MAX_STATUS_NAME_CHARS + " characters, got "
          + name.length());
    }
    return name;
  }
}
