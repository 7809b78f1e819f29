package dev.quorumwatch.harness.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WanProfileTest {
  static final List<String> THREE = List.of("us-west", "us-east", "eu-west");
  static final List<String> FOUR = List.of("us-west", "us-east", "eu-west", "ap-southeast");

  @Test
  void namedProfilesCarryTheTablesRoundTrips() {
    WanProfile continental = WanProfile.parse("continental", THREE);
    assertThat(continental.roundTripMs(0, 1)).isEqualTo(88);
    assertThat(continental.roundTripMs(1, 2)).isEqualTo(80);
    assertThat(continental.roundTripMs(0, 2)).isEqualTo(136);
    assertThat(continental.link(2, 0)).isEqualTo(new WanProfile.Link(68, 6, 0.001));
    WanProfile global = WanProfile.parse("global", FOUR);
    assertThat(global.roundTripMs(3, 1)).isEqualTo(216);
    assertThat(global.maxRoundTripMs()).isEqualTo(238);
    assertThat(WanProfile.parse("regional", THREE).maxRoundTripMs()).isEqualTo(20);
    assertThat(WanProfile.parse("loopback", THREE).isLoopback()).isTrue();
    assertThat(continental.describe()).contains("us-west-eu-west 136 ms", "loss 0.1%");
  }

  @Test
  void linksAreSetBothWaysOrOneWayAndLossAppliesToAll() {
    WanProfile p = WanProfile.parse("us-west:us-east=35ms~5ms,us-west>eu-west=75ms~10ms,loss=0.5%", THREE);
    assertThat(p.link(0, 1)).isEqualTo(new WanProfile.Link(35, 5, 0.005));
    assertThat(p.link(1, 0)).isEqualTo(new WanProfile.Link(35, 5, 0.005));
    assertThat(p.link(0, 2)).isEqualTo(new WanProfile.Link(75, 10, 0.005));
    assertThat(p.link(2, 0)).isEqualTo(new WanProfile.Link(0, 0, 0.005));
    assertThat(p.link(1, 2).delayMs()).isZero();
    assertThat(WanProfile.parse("continental,loss=2%,us-west:us-east=100ms", THREE).link(1, 0))
        .as("a named profile, overridden").isEqualTo(new WanProfile.Link(100, 0, 0.02));
    assertThat(p.retransmitMs(0, 1)).as("at least Linux' minimum RTO").isEqualTo(200);
    assertThat(WanProfile.parse("us-west:us-east=150ms~20ms", THREE).retransmitMs(0, 1)).isEqualTo(380);
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> WanProfile.parse("global", THREE)).hasMessage("--wan global needs 4 nodes, got 3");
    assertThatThrownBy(() -> WanProfile.parse("planetary", THREE)).hasMessageContaining("--wan planetary: expected a"
        + " profile (continental, global, loopback, regional)");
    assertThatThrownBy(() -> WanProfile.parse("us-west:mars=10ms", THREE))
        .hasMessage("--wan us-west:mars=10ms: expected two different nodes of [us-west, us-east, eu-west]");
    assertThatThrownBy(() -> WanProfile.parse("us-west:us-east=10ms~20ms", THREE)).hasMessageContaining("jitter");
    assertThatThrownBy(() -> WanProfile.parse("loss=80%", THREE)).hasMessageContaining("at most 50%");
    assertThatThrownBy(() -> WanProfile.parse("us-west:us-east=10s", THREE)).hasMessageContaining("expected a profile");
  }
}
