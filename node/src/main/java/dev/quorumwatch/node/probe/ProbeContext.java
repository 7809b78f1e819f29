package dev.quorumwatch.node.probe;

import dev.quorumwatch.node.outbound.DeniedNetworks;
import dev.quorumwatch.node.secret.Secrets;
import org.apache.ratis.thirdparty.io.netty.bootstrap.Bootstrap;
import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;

/**
 * What a prober is built on: the node's probe event loops, a bootstrap on them that resolves
 * names and refuses denied networks, the User-Agent, the denied networks (for probers that
 * dial on their own) and what secret references in probe settings may read.
 */
public record ProbeContext(EventLoopGroup group, Bootstrap bootstrap, String userAgent, DeniedNetworks denied,
    Secrets secrets) {}
