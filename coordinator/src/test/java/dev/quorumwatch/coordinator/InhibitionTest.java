package dev.quorumwatch.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.InhibitRule;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.VoteState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** inhibit_rules in Alertmanager's form, with a resolved never swallowed. */
class InhibitionTest {
  private static final long T0 = 1_800_000_000_000L;

  /** gateway (role=gateway, site=a), app-a (site=a), app-b (site=b); a gateway inhibits TargetDown at its site. */
  static MonitorsSpec monitors(InhibitRule... rules) {
    MonitorsSpec base = Commands.monitors(List.of("gateway", "app-a", "app-b"), List.of("ops"));
    MonitorsSpec.Builder spec = base.toBuilder().clearTargets().addAllInhibitRules(List.of(rules));
    String[][] labels = {{"role", "gateway", "site", "a"}, {"role", "app", "site", "a"}, {"role", "app", "site", "b"}};
    for (int i = 0; i < 3; i++) {
      TargetSpec.Builder t = base.getTargets(i).toBuilder();
      t.addLabels(Label.newBuilder().setName(labels[i][0]).setValue(labels[i][1]));
      t.addLabels(Label.newBuilder().setName(labels[i][2]).setValue(labels[i][3]));
      spec.addTargets(t);
    }
    return spec.build();
  }

  static InhibitRule rule(String source, String target, String... equal) {
    return InhibitRule.newBuilder().addSourceMatchers(Matchers.parse(source)).addTargetMatchers(Matchers.parse(target))
        .addAllEqual(List.of(equal)).build();
  }

  static final InhibitRule GATEWAY_AT_ITS_SITE = rule("role=gateway", "role=app", "site");

  private static List<String> pages(DeliveringCluster k) {
    List<String> out = new ArrayList<>();
    for (Notification n : k.sent) {
      for (AlertItem a : n.getAlertsList()) {
        out.add(a.getAlertname() + " " + a.getTargetId() + " " + a.getStatus());
      }
    }
    return out;
  }

  private static Incident open(DeliveringCluster k, String target) {
    return k.c.incidents().stream().filter(i -> i.getOpen() && i.getTargetId().equals(target)).findFirst().orElseThrow();
  }

  @Test
  void aDownGatewayInhibitsTheAppsAtItsSiteOnly() {
    DeliveringCluster k = new DeliveringCluster(T0, monitors(GATEWAY_AT_ITS_SITE));
    k.allSee(Map.of("gateway", VoteState.VOTE_UP, "app-a", VoteState.VOTE_UP, "app-b", VoteState.VOTE_UP));
    k.allSee(Map.of("gateway", VoteState.VOTE_DOWN));
    k.advance(2000);
    k.allSee(Map.of("app-a", VoteState.VOTE_DOWN, "app-b", VoteState.VOTE_DOWN));
    k.advance(2000);
    assertThat(pages(k)).containsExactly("TargetDown gateway firing", "TargetDown app-b firing");
    assertThat(open(k, "app-a").getSuppressedBy()).startsWith("inhibited by TargetDown gateway (inc-");
    assertThat(open(k, "app-a").getSilenced()).isTrue();

    k.allSee(Map.of("gateway", VoteState.VOTE_UP));
    k.advance(2000);
    assertThat(pages(k)).hasSize(4);
    assertThat(pages(k).subList(2, 4)).as("the gateway is back, app-a is still down: it pages now")
        .containsExactlyInAnyOrder("TargetDown gateway resolved", "TargetDown app-a firing");
  }

  @Test
  void anAlertSentBeforeItsInhibitionStillGetsItsResolved() {
    DeliveringCluster k = new DeliveringCluster(T0, monitors(GATEWAY_AT_ITS_SITE));
    k.allSee(Map.of("gateway", VoteState.VOTE_UP, "app-a", VoteState.VOTE_UP, "app-b", VoteState.VOTE_UP));
    k.allSee(Map.of("app-a", VoteState.VOTE_DOWN));
    k.advance(2000);
    k.allSee(Map.of("gateway", VoteState.VOTE_DOWN));
    k.advance(2000);
    assertThat(open(k, "app-a").getSuppressedBy()).startsWith("inhibited by TargetDown gateway");
    k.allSee(Map.of("app-a", VoteState.VOTE_UP));
    k.advance(2000);
    assertThat(pages(k)).containsExactly("TargetDown app-a firing", "TargetDown gateway firing",
        "TargetDown app-a resolved");
  }

  @Test
  void twoIncidentsThatWouldInhibitEachOtherBothPage() {
    DeliveringCluster k = new DeliveringCluster(T0, monitors(rule("site=a", "site=a", "site")));
    k.allSee(Map.of("gateway", VoteState.VOTE_UP, "app-a", VoteState.VOTE_UP, "app-b", VoteState.VOTE_UP));
    k.allSee(Map.of("gateway", VoteState.VOTE_DOWN, "app-a", VoteState.VOTE_DOWN));
    k.advance(2000);
    assertThat(pages(k)).containsExactlyInAnyOrder("TargetDown gateway firing", "TargetDown app-a firing");
  }

  @Test
  void rulesWaitForEveryMemberAndMustHaveBothSides() {
    DeliveringCluster k = new DeliveringCluster(T0, monitors());
    for (String node : DeliveringCluster.NODES) {
      k.apply(Command.newBuilder().setAtMs(k.now).setReportView(ReportView.newBuilder().setNodeId(node).setRegion(node)
          .setProtocol(Protocol.RETENTION)).build());
    }
    assertThat(k.apply(Commands.apply(k.now, monitors(GATEWAY_AT_ITS_SITE))).error())
        .isEqualTo("inhibit_rules need every node upgraded; older: eu-west, us-east, us-west");
    InhibitRule oneSided = InhibitRule.newBuilder().addSourceMatchers(Matchers.parse("role=gateway")).build();
    assertThat(k.apply(Commands.apply(k.now, monitors(oneSided))).error())
        .isEqualTo("inhibit_rules[0]: needs source_matchers and target_matchers");
  }
}
