package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.HttpProbeParser;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.proto.TargetSpec;

/** {@code http:} an HTTP(S) request, its status, body and certificate checked (docs/probes.md). */
final class HttpProbeKind implements ProbeKind {
  @Override
  public String key() {
    return "http";
  }

  @Override
  public TargetSpec.ProbeCase probeCase() {
    return TargetSpec.ProbeCase.HTTP;
  }

  @Override
  public void parse(YamlTree block, TargetSpec.Builder target) throws ConfigException {
    target.setHttp(HttpProbeParser.parse(block));
  }

  @Override
  public Prober create(ProbeContext context) {
    return new HttpProber(context.bootstrap(), context.userAgent(), context.secrets());
  }
}
