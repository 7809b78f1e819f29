package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.config.ConfigException;
import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.node.config.YamlTree;
import dev.quorumwatch.proto.DnsProbe;
import dev.quorumwatch.proto.TargetSpec;
import java.util.Locale;
import java.util.Set;

/** {@code dns:} a name resolved, optionally to expected answers (docs/probes.md). */
final class DnsProbeKind implements ProbeKind {
  private static final Set<String> TYPES = Set.of("A", "AAAA", "CNAME");

  @Override
  public String key() {
    return "dns";
  }

  @Override
  public TargetSpec.ProbeCase probeCase() {
    return TargetSpec.ProbeCase.DNS;
  }

  @Override
  public void parse(YamlTree block, TargetSpec.Builder target) throws ConfigException {
    block.onlyKeys(Set.of("name", "type", "resolver", "expect"));
    String type = block.string("type", "A").toUpperCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw block.child("type").error("expected A, AAAA or CNAME, got '" + type + "'");
    }
    String resolver = "";
    if (block.has("resolver")) {
      HostPort server = block.address("resolver");
      resolver = server.host() + ":" + server.port();
    }
    target.setDns(DnsProbe.newBuilder().setName(block.string("name")).setRecordType(type).setResolver(resolver)
        .addAllExpect(block.strings("expect")));
  }

  @Override
  public Prober create(ProbeContext context) {
    return new DnsProber(context.group(), context.denied());
  }
}
