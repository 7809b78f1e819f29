package dev.quorumwatch.node.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.node.probe.ProbeEngine;
import dev.quorumwatch.node.probe.ProbeResult;
import dev.quorumwatch.node.receiver.HttpPoster;
import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.node.testing.NodeYamls;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.WebhookReceiver;
import dev.quorumwatch.proto.DnsProbe;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.TcpProbe;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** deny_networks: what is in a network, and real probes and webhooks refused before they connect. */
class DeniedNetworksTest {
  static final DeniedNetworks LOOPBACK = new DeniedNetworks(List.of(DeniedNetworks.parse("127.0.0.0/8")));

  @Test
  void networksContainWhatTheirPrefixCovers() throws Exception {
    DeniedNetworks metadata = new DeniedNetworks(List.of(DeniedNetworks.parse("169.254.0.0/16"),
        DeniedNetworks.parse("fd00:ec2::254"), DeniedNetworks.parse("10.1.0.0/17")));
    assertThat(metadata.networkOf(InetAddress.getByName("169.254.169.254"))).map(DeniedNetworks.Network::text)
        .contains("169.254.0.0/16");
    assertThat(metadata.networkOf(InetAddress.getByName("169.253.169.254"))).isEmpty();
    assertThat(metadata.networkOf(InetAddress.getByName("fd00:ec2::254"))).isPresent();
    assertThat(metadata.networkOf(InetAddress.getByName("fd00:ec2::255"))).isEmpty();
    assertThat(metadata.networkOf(InetAddress.getByName("10.1.127.255"))).isPresent();
    assertThat(metadata.networkOf(InetAddress.getByName("10.1.128.0"))).as("beyond the 17th bit").isEmpty();
    DeniedNetworks everything = new DeniedNetworks(List.of(DeniedNetworks.parse("0.0.0.0/0")));
    assertThat(everything.networkOf(InetAddress.getByName("8.8.8.8"))).isPresent();
    assertThat(everything.networkOf(InetAddress.getByName("::1"))).as("IPv4 networks hold no IPv6 address").isEmpty();
  }

  @Test
  void anIpv4AddressInsideAnIpv6OneIsCheckedAsIpv4() throws Exception {
    DeniedNetworks metadata = new DeniedNetworks(DeniedNetworks.METADATA);
    for (String disguised : List.of("::ffff:169.254.169.254", "::ffff:a9fe:a9fe", "::169.254.169.254",
        "64:ff9b::169.254.169.254", "64:ff9b::a9fe:a9fe")) {
      InetAddress a = InetAddress.getByAddress(InetAddress.getByName(disguised).getAddress().length == 16
          ? InetAddress.getByName(disguised).getAddress() : mapped(InetAddress.getByName(disguised).getAddress()));
      assertThat(metadata.networkOf(a)).as(disguised).map(DeniedNetworks.Network::text).contains("169.254.169.254/32");
    }
    assertThat(metadata.networkOf(InetAddress.getByName("64:ff9b::8.8.8.8"))).isEmpty();
    assertThat(metadata.networkOf(InetAddress.getByName("::1"))).as("loopback is not IPv4-compatible").isEmpty();
  }

  /** The 16-byte IPv4-mapped form (Java turns a parsed ::ffff:a.b.c.d into IPv4 at once; a resolver may not). */
  static byte[] mapped(byte[] v4) {
    byte[] a = new byte[16];
    a[10] = (byte) 0xff;
    a[11] = (byte) 0xff;
    System.arraycopy(v4, 0, a, 12, 4);
    return a;
  }

  @Test
  void thisHostIsAlwaysDeniedAndMetadataByDefault() throws Exception {
    assertThat(DeniedNetworks.NONE.networkOf(InetAddress.getByName("0.0.0.0"))).isPresent();
    assertThat(DeniedNetworks.NONE.networkOf(InetAddress.getByName("::"))).isPresent();
    assertThat(DeniedNetworks.NONE.networkOf(InetAddress.getByName("127.0.0.1"))).isEmpty();
    NodeConfig defaults = NodeConfigLoader.parse(Path.of("node.yaml"), NodeYamls.ONE_NODE, name -> null);
    assertThat(defaults.deniedNetworks().networkOf(InetAddress.getByName("169.254.169.254"))).isPresent();
    assertThat(defaults.deniedNetworks().networkOf(InetAddress.getByName("fd00:ec2::254"))).isPresent();
    NodeConfig listed = NodeConfigLoader.parse(Path.of("node.yaml"), NodeYamls.ONE_NODE + "deny_networks: [10.0.0.0/8]\n",
        name -> null);
    assertThat(listed.deniedNetworks().networkOf(InetAddress.getByName("169.254.169.254")))
        .as("a list of the operator's replaces the defaults").isEmpty();
    assertThat(listed.deniedNetworks().networkOf(InetAddress.getByName("0.0.0.0"))).isPresent();
  }

  @Test
  void malformedNetworksAreRefusedWithWhatWasExpected() {
    assertThatThrownBy(() -> DeniedNetworks.parse("10.0.0.0/33")).hasMessage("expected a prefix length from 0 to 32 in '10.0.0.0/33'");
    assertThatThrownBy(() -> DeniedNetworks.parse("metadata.internal")).hasMessageContaining("expected a network such as");
    assertThatThrownBy(() -> DeniedNetworks.parse("10.0.0.0/x")).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> DeniedNetworks.parse("300.1.1.1")).hasMessageContaining("expected a network such as");
  }

  @Test
  void probesIntoADeniedNetworkFailWithoutConnectingByAddressOrByName() throws Exception {
    try (TargetServer target = new TargetServer(); ProbeEngine denied = new ProbeEngine(1, "qw/test", LOOPBACK);
        ProbeEngine open = new ProbeEngine(1, "qw/test", DeniedNetworks.NONE)) {
      URI url = URI.create(target.url());
      TargetSpec byAddress = TargetSpec.newBuilder().setId("t").setTimeoutMs(2000)
          .setHttp(HttpProbe.newBuilder().setUrl(target.url()).addExpectStatus(200)).build();
      TargetSpec byName = byAddress.toBuilder().setHttp(HttpProbe.newBuilder()
          .setUrl(target.url().replace("127.0.0.1", "localhost")).addExpectStatus(200)).build();
      TargetSpec tcp = TargetSpec.newBuilder().setId("t").setTimeoutMs(2000)
          .setTcp(TcpProbe.newBuilder().setHost("127.0.0.1").setPort(url.getPort())).build();
      assertThat(probe(open, byAddress).ok()).as("the target is up").isTrue();
      int requestsBefore = target.requests();
      TargetSpec dns = TargetSpec.newBuilder().setId("t").setTimeoutMs(2000)
          .setDns(DnsProbe.newBuilder().setName("example.org").setResolver("127.0.0.1:53")).build();
      for (TargetSpec spec : List.of(byAddress, byName, tcp, dns)) {
        ProbeResult result = probe(denied, spec);
        assertThat(result.ok()).isFalse();
        assertThat(result.failureClass()).isEqualTo("error");
        assertThat(result.detail()).contains("is in denied network 127.0.0.0/8 (node.yaml deny_networks)");
      }
      assertThat(target.requests()).as("no denied probe reached it").isEqualTo(requestsBefore);
    }
  }

  @Test
  void aWebhookIntoADeniedNetworkIsNotSent() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      HttpPoster sender = new HttpPoster(HttpClient.newHttpClient(), LOOPBACK, ForkJoinPool.commonPool(),
          new Secrets(System::getenv), System::currentTimeMillis);
      assertThatThrownBy(() -> sender.post(receiver.url(), "application/json", "{}".getBytes(), Map.of())
          .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(DeniedAddressException.class);
      assertThat(receiver.received()).isEmpty();
      assertThat(new HttpPoster(HttpClient.newHttpClient(), DeniedNetworks.NONE, ForkJoinPool.commonPool(),
          new Secrets(System::getenv), System::currentTimeMillis).post(receiver.url(), "application/json",
          "{\"alerts\":[]}".getBytes(), Map.of()).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  static ProbeResult probe(ProbeEngine engine, TargetSpec spec) throws Exception {
    return engine.proberFor(spec).probe(spec).get(10, TimeUnit.SECONDS);
  }
}
