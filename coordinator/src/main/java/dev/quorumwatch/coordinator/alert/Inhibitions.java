package dev.quorumwatch.coordinator.alert;

import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.InhibitRule;
import dev.quorumwatch.proto.MonitorsSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The monitors file's {@code inhibit_rules}, Alertmanager's form: while an open incident (the
 * source) matches a rule's source matchers, an incident matching its target matchers whose
 * {@code equal} labels have the same values (a label absent from both counts as equal) does
 * not notify. Unlike Alertmanager, two incidents that would inhibit each other do not: both
 * speak, so a pair of symmetric rules can never silence an outage completely. Pure.
 */
public final class Inhibitions {
  public static final int MAX_RULES = 100;
  public static final Inhibitions NONE = new Inhibitions(List.of());

  private final List<InhibitRule> rules;

  private Inhibitions(List<InhibitRule> rules) {
    this.rules = rules;
  }

  public static Inhibitions of(MonitorsSpec spec) {
    return spec.getInhibitRulesCount() == 0 ? NONE : new Inhibitions(spec.getInhibitRulesList());
  }

  public boolean any() {
    return !rules.isEmpty();
  }

  /** An open incident is just one with its labels; a stand-in keeps this class free of the coordinator. */
  public record Labelled(Incident incident, Map<String, String> labels) {}

  /** Whether an incident with these labels could inhibit others: it matches some rule's source matchers. */
  public boolean maySource(Map<String, String> labels) {
    return rules.stream().anyMatch(rule -> Matchers.matchAll(rule.getSourceMatchersList(), labels));
  }

  /** Why {@code target} is inhibited now ("inhibited by TargetDown gateway (inc-7)"), or null. */
  public String inhibitedBy(Labelled target, Collection<Labelled> sources) {
    for (Labelled source : sources) {
      if (source.incident().getId().equals(target.incident().getId())) {
        continue;
      }
      if (inhibits(source, target) && !inhibits(target, source)) {
        Incident s = source.incident();
        String what = s.getTargetId().isEmpty() ? s.getNodeId() : s.getTargetId();
        return "inhibited by " + s.getAlertname() + (what.isEmpty() ? "" : " " + what) + " (" + s.getId() + ")";
      }
    }
    return null;
  }

  private boolean inhibits(Labelled source, Labelled target) {
    for (InhibitRule rule : rules) {
      if (Matchers.matchAll(rule.getSourceMatchersList(), source.labels())
          && Matchers.matchAll(rule.getTargetMatchersList(), target.labels())
          && rule.getEqualList().stream().allMatch(name -> Objects.equals(source.labels().get(name),
              target.labels().get(name)))) {
        return true;
      }
    }
    return false;
  }

  /** Why the rules can't be used, or null. */
  public static String problem(MonitorsSpec spec) {
    if (spec.getInhibitRulesCount() > MAX_RULES) {
      return "inhibit_rules: more than " + MAX_RULES;
    }
    for (int i = 0; i < spec.getInhibitRulesCount(); i++) {
      InhibitRule rule = spec.getInhibitRules(i);
      if (rule.getSourceMatchersCount() == 0 || rule.getTargetMatchersCount() == 0) {
        return "inhibit_rules[" + i + "]: needs source_matchers and target_matchers";
      }
      String problem = Matchers.problem(rule.getSourceMatchersList());
      if (problem == null) {
        problem = Matchers.problem(rule.getTargetMatchersList());
      }
      if (problem != null) {
        return "inhibit_rules[" + i + "]: " + problem;
      }
    }
    return null;
  }
}
