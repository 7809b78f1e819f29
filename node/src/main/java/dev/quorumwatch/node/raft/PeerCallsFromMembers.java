package dev.quorumwatch.node.raft;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.proto.grpc.AdminProtocolServiceGrpc;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.thirdparty.io.grpc.Grpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;

/**
 * Ratis' admin calls (configuration changes, leadership transfer, group and snapshot
 * management) and its peer protocol (append, vote, install snapshot) bypass the state
 * machine, so {@link CommandSignatures} never sees them. With TLS they are answered only for a
 * caller whose certificate names (CN) a member: a holder of any other certificate of the
 * cluster CA can't add itself, move leadership, or send a member votes and entries. Client
 * requests (commands) pass: their signatures are checked by the leader.
 */
final class PeerCallsFromMembers implements ServerInterceptor, GrpcServices.Customizer {
  private final Supplier<Set<String>> members;

  PeerCallsFromMembers(Supplier<Set<String>> members) {
    this.members = members;
  }

  @Override
  public NettyServerBuilder customize(NettyServerBuilder builder, EnumSet<GrpcServices.Type> types) {
    return builder.intercept(this);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (!AdminProtocolServiceGrpc.SERVICE_NAME.equals(service) && !RaftServerProtocolServiceGrpc.SERVICE_NAME.equals(service)) {
      return next.startCall(call, headers);
    }
    String caller = caller(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    Set<String> current = members.get();
    // A node that has not joined yet knows no members: it can't tell, and has nothing to protect.
    if (caller != null && (current.isEmpty() || current.contains(caller))) {
      return next.startCall(call, headers);
    }
    call.close(Status.PERMISSION_DENIED.withDescription("Raft admin and peer calls are answered for members only; "
        + (caller == null ? "no client certificate" : caller + " is not a member")), new Metadata());
    return new ServerCall.Listener<>() { };
  }

  private static String caller(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? CommandSignatures.commonName(leaf) : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
