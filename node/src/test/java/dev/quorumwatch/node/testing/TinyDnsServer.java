package dev.quorumwatch.node.testing;

import org.apache.ratis.thirdparty.io.netty.bootstrap.Bootstrap;
import org.apache.ratis.thirdparty.io.netty.buffer.ByteBuf;
import org.apache.ratis.thirdparty.io.netty.buffer.Unpooled;
import org.apache.ratis.thirdparty.io.netty.channel.Channel;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelHandlerContext;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelInitializer;
import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.channel.SimpleChannelInboundHandler;
import org.apache.ratis.thirdparty.io.netty.channel.nio.NioEventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.channel.socket.DatagramChannel;
import org.apache.ratis.thirdparty.io.netty.channel.socket.nio.NioDatagramChannel;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DatagramDnsQuery;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DatagramDnsResponse;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DefaultDnsRawRecord;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsQuestion;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsRecordType;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsResponseCode;
import org.apache.ratis.thirdparty.io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A DNS server on loopback UDP that answers what the test tells it to, and NXDOMAIN otherwise. */
public final class TinyDnsServer implements AutoCloseable {
  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel channel;
  private final Map<String, List<String>> answers = new ConcurrentHashMap<>();

  public TinyDnsServer() throws InterruptedException {
    channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answerer());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  /** host:port to give a probe's {@code resolver}. */
  public String address() {
    InetSocketAddress local = (InetSocketAddress) channel.localAddress();
    return "127.0.0.1:" + local.getPort();
  }

  /** Answers {@code type} questions for {@code name} (no trailing dot) with these values. */
  public void answer(String name, DnsRecordType type, List<String> values) {
    answers.put(type.name() + " " + name + ".", values);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) throws Exception {
      DnsQuestion question = query.recordAt(DnsSection.QUESTION);
      DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
      response.addRecord(DnsSection.QUESTION, question);
      List<String> values = answers.get(question.type().name() + " " + question.name());
      if (values == null) {
        response.setCode(DnsResponseCode.NXDOMAIN);
      } else {
        for (String value : values) {
          ByteBuf content = question.type() == DnsRecordType.CNAME ? encodeName(value)
              : Unpooled.wrappedBuffer(InetAddress.getByName(value).getAddress());
          response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(), 60, content));
        }
      }
      ctx.writeAndFlush(response);
    }
  }

  private static ByteBuf encodeName(String name) {
    ByteBuf out = Unpooled.buffer();
    for (String label : name.split("\\.")) {
      if (!label.isEmpty()) {
        byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
        out.writeByte(bytes.length).writeBytes(bytes);
      }
    }
    return out.writeByte(0);
  }
}
