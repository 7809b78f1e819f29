package dev.quorumwatch.node.probe;

import java.util.List;

/** Every probe kind, in the order the docs list them; the parser and the probe engine look kinds up here. */
public final class ProbeKinds {
  public static final List<ProbeKind> ALL = List.of(new HttpProbeKind(), new TcpProbeKind(), new GrpcProbeKind(),
      new DnsProbeKind());

  private ProbeKinds() {}

  /** "http, tcp, grpc or dns". */
  public static String keys() {
    List<String> keys = ALL.stream().map(ProbeKind::key).toList();
    return String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1);
  }
}
