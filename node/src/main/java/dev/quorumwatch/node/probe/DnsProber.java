package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.outbound.DeniedAddressException;
import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.proto.DnsProbe;
import dev.quorumwatch.proto.TargetSpec;
import org.apache.ratis.thirdparty.io.netty.buffer.ByteBuf;
import org.apache.ratis.thirdparty.io.netty.channel.AddressedEnvelope;
import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.channel.socket.nio.NioDatagramChannel;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DefaultDnsQuestion;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsRawRecord;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsRecord;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsRecordType;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsResponse;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsResponseCode;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsSection;
import org.apache.ratis.thirdparty.io.netty.resolver.dns.DnsNameResolver;
import org.apache.ratis.thirdparty.io.netty.resolver.dns.DnsNameResolverBuilder;
import org.apache.ratis.thirdparty.io.netty.resolver.dns.DnsServerAddressStreamProvider;
import org.apache.ratis.thirdparty.io.netty.resolver.dns.DnsServerAddressStreamProviders;
import org.apache.ratis.thirdparty.io.netty.resolver.dns.NoopDnsCache;
import org.apache.ratis.thirdparty.io.netty.resolver.dns.NoopDnsCnameCache;
import org.apache.ratis.thirdparty.io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import org.apache.ratis.thirdparty.io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DNS: asks the system's resolver or a given server for a name's A, AAAA or CNAME records,
 * on the probe engine's event loop, with nothing cached (each probe asks). Up when the
 * answer holds every expected value, or has any answer when none is expected.
 */
final class DnsProber implements Prober {
  private final EventLoopGroup group;
  private final Map<String, DnsNameResolver> resolvers = new ConcurrentHashMap<>();

  private final DeniedNetworks denied;

  DnsProber(EventLoopGroup group, DeniedNetworks denied) {
    this.group = group;
    this.denied = denied;
  }

  @Override
  public CompletableFuture<ProbeResult> probe(TargetSpec target) {
    long startNs = System.nanoTime();
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    DnsProbe spec = target.getDns();
    DnsRecordType type = switch (spec.getRecordType().toUpperCase(Locale.ROOT)) {
      case "AAAA" -> DnsRecordType.AAAA;
      case "CNAME" -> DnsRecordType.CNAME;
      default -> DnsRecordType.A;
    };
    DnsNameResolver resolver;
    try {
      resolver = resolvers.computeIfAbsent(spec.getResolver() + "|" + target.getTimeoutMs(),
          k -> open(spec.getResolver(), target.getTimeoutMs()));
    } catch (IllegalArgumentException e) {
      result.complete(ProbeResult.failure(FailureClass.ERROR, e.getMessage(), 0));
      return result;
    }
    String name = spec.getName().endsWith(".") ? spec.getName() : spec.getName() + ".";
    Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query = resolver.query(new DefaultDnsQuestion(name, type));
    query.addListener(f -> {
      long latencyMs = (System.nanoTime() - startNs) / 1_000_000;
      if (!f.isSuccess()) {
        result.complete(ProbeResult.failure(FailureClass.of(f.cause()) == FailureClass.ERROR ? FailureClass.DNS
            : FailureClass.of(f.cause()), FailureClass.describe(f.cause()), latencyMs));
        return;
      }
      AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = query.getNow();
      try {
        result.complete(judge(spec, type, envelope.content(), latencyMs));
      } finally {
        envelope.release();
      }
    });
    return result;
  }

  static ProbeResult judge(DnsProbe spec, DnsRecordType type, DnsResponse response, long latencyMs) {
    if (response.code() != DnsResponseCode.NOERROR) {
      // "NXDomain(3)" reads better as the RFC's NXDOMAIN.
      return ProbeResult.failure(FailureClass.DNS, response.code().toString().replaceAll("\\(\\d+\\)", "")
          .toUpperCase(Locale.ROOT), latencyMs);
    }
    Set<String> answers = new TreeSet<>();
    for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
      DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
      if (record.type() == type && record instanceof DnsRawRecord raw) {
        answers.add(decode(type, raw.content()));
      }
    }
    if (answers.isEmpty()) {
      return ProbeResult.failure(FailureClass.DNS, "no " + type.name() + " record", latencyMs);
    }
    for (String expected : spec.getExpectList()) {
      String wanted = type == DnsRecordType.CNAME && !expected.endsWith(".") ? expected + "." : expected;
      if (!answers.contains(wanted)) {
        return ProbeResult.failure(FailureClass.BODY_MISMATCH, "answers " + answers + " do not include " + expected,
            latencyMs);
      }
    }
    return ProbeResult.success(latencyMs);
  }

  private static String decode(DnsRecordType type, ByteBuf content) {
    if (type == DnsRecordType.CNAME) {
      return DefaultDnsRecordDecoder.decodeName(content.duplicate());
    }
    byte[] bytes = new byte[content.readableBytes()];
    content.getBytes(content.readerIndex(), bytes);
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return "malformed";
    }
  }

  private DnsNameResolver open(String server, long timeoutMs) {
    DnsServerAddressStreamProvider servers;
    if (server.isEmpty()) {
      servers = DnsServerAddressStreamProviders.platformDefault();
    } else {
      int colon = server.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("resolver must be host:port, got '" + server + "'");
      }
      InetSocketAddress address = new InetSocketAddress(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)));
      if (address.getAddress() != null) {
        try {
          denied.checkAddress(address.getHostString(), address.getAddress());
        } catch (DeniedAddressException e) {
          throw new IllegalArgumentException(e.getMessage()); // a failed probe, like a malformed resolver
        }
      }
      servers = new SingletonDnsServerAddressStreamProvider(address);
    }
    return new DnsNameResolverBuilder(group.next())
        .datagramChannelType(NioDatagramChannel.class)
        .nameServerProvider(servers)
        .queryTimeoutMillis(timeoutMs)
        .maxQueriesPerResolve(1)
        .resolveCache(NoopDnsCache.INSTANCE)
        .cnameCache(NoopDnsCnameCache.INSTANCE)
        .build();
  }

  @Override
  public void close() {
    resolvers.values().forEach(DnsNameResolver::close);
    resolvers.clear();
  }
}
