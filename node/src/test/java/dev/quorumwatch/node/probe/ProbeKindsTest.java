package dev.quorumwatch.node.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.TcpProbe;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every probe kind of the replicated spec has one ProbeKind, and the engine a prober for it;
 * heartbeat targets are the one case nothing probes (their jobs ping the cluster).
 */
class ProbeKindsTest {
  @Test
  void everyProbeOfTheSpecHasOneKindWithItsOwnKey() {
    assertThat(ProbeKinds.ALL).extracting(ProbeKind::probeCase)
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(TargetSpec.ProbeCase.values())
            .filter(c -> c != TargetSpec.ProbeCase.PROBE_NOT_SET && c != TargetSpec.ProbeCase.HEARTBEAT).toList());
    assertThat(ProbeKinds.ALL).extracting(ProbeKind::key).doesNotHaveDuplicates();
    assertThat(ProbeKinds.keys()).isEqualTo("http, tcp, grpc or dns");
  }

  @Test
  void theEngineHasAProberForEveryKindAndNoneForATargetWithoutAProbe() {
    try (ProbeEngine engine = new ProbeEngine(1, "quorumwatch/test", DeniedNetworks.NONE)) {
      assertThat(engine.proberFor(TargetSpec.newBuilder().setId("a").setHttp(HttpProbe.getDefaultInstance()).build()))
          .isSameAs(engine.http());
      assertThat(engine.proberFor(TargetSpec.newBuilder().setId("b").setTcp(TcpProbe.getDefaultInstance()).build()))
          .isSameAs(engine.tcp());
      // Before, a kind the engine did not know was silently probed over TCP.
      assertThatThrownBy(() -> engine.proberFor(TargetSpec.newBuilder().setId("c").build()))
          .hasMessageContaining("target c has no probe");
    }
  }
}
