package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.TcpProbe;
import java.util.Set;

/** {@code tcp:} a connection, optionally a line sent and an answer expected (docs/probes.md). */
final class TcpProbeKind implements ProbeKind {
  @Override
  public String key() {
    return "tcp";
  }

  @Override
  public TargetSpec.ProbeCase probeCase() {
    return TargetSpec.ProbeCase.TCP;
  }

  @Override
  public void parse(YamlTree block, TargetSpec.Builder target) throws ConfigException {
    block.onlyKeys(Set.of("address", "send", "expect"));
    HostPort address = block.address("address");
    target.setTcp(TcpProbe.newBuilder().setHost(address.host()).setPort(address.port())
        .setSend(block.string("send", "")).setExpect(block.string("expect", "")));
  }

  @Override
  public Prober create(ProbeContext context) {
    return new TcpProber(context.bootstrap());
  }
}
