package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.proto.GrpcProbe;
import dev.quorumwatch.proto.TargetSpec;
import java.util.Set;

/** {@code grpc:} the standard gRPC health check of a service (docs/probes.md). */
final class GrpcProbeKind implements ProbeKind {
  @Override
  public String key() {
    return "grpc";
  }

  @Override
  public TargetSpec.ProbeCase probeCase() {
    return TargetSpec.ProbeCase.GRPC;
  }

  @Override
  public void parse(YamlTree block, TargetSpec.Builder target) throws ConfigException {
    block.onlyKeys(Set.of("address", "service", "tls"));
    HostPort address = block.address("address");
    GrpcProbe.Builder probe = GrpcProbe.newBuilder().setHost(address.host()).setPort(address.port())
        .setService(block.string("service", ""));
    if (block.has("tls")) {
      YamlTree tls = block.object("tls").onlyKeys(Set.of("verify", "ca_file"));
      probe.setTls(true).setTlsInsecure(!tls.bool("verify", true)).setTlsCaFile(tls.string("ca_file", ""));
    }
    target.setGrpc(probe);
  }

  @Override
  public Prober create(ProbeContext context) {
    return new GrpcHealthProber(context.userAgent(), context.denied());
  }
}
