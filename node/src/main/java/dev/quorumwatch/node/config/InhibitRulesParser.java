package dev.quorumwatch.node.config;

import dev.quorumwatch.coordinator.alert.Inhibitions;
import dev.quorumwatch.proto.InhibitRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code inhibit_rules:} as Alertmanager writes them: {@code source_matchers},
 * {@code target_matchers} (lists of matchers such as {@code alertname="TargetDown"}) and
 * {@code equal} (label names), so a block copies over from alertmanager.yml.
 */
final class InhibitRulesParser {
  private InhibitRulesParser() {}

  static List<InhibitRule> parse(YamlTree root) throws ConfigException {
    List<YamlTree> rules = root.list("inhibit_rules");
    if (rules.size() > Inhibitions.MAX_RULES) {
      throw root.child("inhibit_rules").error("expected at most " + Inhibitions.MAX_RULES + " rules, got " + rules.size());
    }
    List<InhibitRule> out = new ArrayList<>();
    for (YamlTree r : rules) {
      r.onlyKeys(Set.of("source_matchers", "target_matchers", "equal"));
      InhibitRule.Builder rule = InhibitRule.newBuilder()
          .addAllSourceMatchers(RouteParser.matchers(r, "source_matchers"))
          .addAllTargetMatchers(RouteParser.matchers(r, "target_matchers"))
          .addAllEqual(r.strings("equal"));
      if (rule.getSourceMatchersCount() == 0 || rule.getTargetMatchersCount() == 0) {
        throw r.error("expected both source_matchers and target_matchers (an empty side would match every alert)");
      }
      out.add(rule.build());
    }
    return out;
  }
}
