package dev.quorumwatch.node.auth;

import org.apache.ratis.thirdparty.com.google.protobuf.Any;
import org.apache.ratis.thirdparty.com.google.protobuf.Duration;
import org.apache.ratis.thirdparty.com.google.rpc.Code;
import org.apache.ratis.thirdparty.com.google.rpc.RetryInfo;
import org.apache.ratis.thirdparty.io.grpc.Context;
import org.apache.ratis.thirdparty.io.grpc.Contexts;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.protobuf.StatusProto;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens on the client API: no or an unknown token is {@code UNAUTHENTICATED}; a read
 * token on a call that changes the cluster is {@code PERMISSION_DENIED}; a token over its rate
 * limit is {@code RESOURCE_EXHAUSTED} with the time to wait. The caller's token
 * name is in {@link #TOKEN_NAME} for the call, so changes can record who made them.
 */
public final class TokenAuthInterceptor implements ServerInterceptor {
  public static final Context.Key<String> TOKEN_NAME = Context.key("quorumwatch-token-name");
  /** Calls that change the cluster (or read all of it at once); everything else needs a read token. */
  static final Set<String> ADMIN_METHODS = Set.of("Apply", "AddSilence", "ExpireSilence", "Acknowledge",
      "UpdateIncident", "Failover", "AddMember", "RemoveMember", "Backup", "TestReceiver");

  private final ApiAuth auth;
  private final TokenBuckets limits;

  public TokenAuthInterceptor(ApiAuth auth, TokenBuckets limits) {
    this.auth = auth;
    this.limits = limits;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    String header = headers.get(BearerToken.AUTHORIZATION);
    if (!ApiAuth.carriesBearer(header)) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("this cluster needs an API token: pass --token or set"
          + " QUORUMWATCH_TOKEN (gRPC: metadata 'authorization: Bearer <token>')"));
    }
    Optional<ApiToken> token = auth.bearer(header);
    if (token.isEmpty()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("the API token was not recognized"));
    }
    if (ADMIN_METHODS.contains(method) && token.get().role() != ApiToken.Role.ADMIN) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription("token '" + token.get().name() + "' has role read; "
          + method + " needs an admin token"));
    }
    long retryInMs = limits.take(token.get().name());
    if (retryInMs > 0) {
      return refuse(call, rateLimited(token.get().name(), retryInMs));
    }
    return Contexts.interceptCall(Context.current().withValue(TOKEN_NAME, token.get().name()), call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    return refuse(call, status.asRuntimeException());
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, StatusRuntimeException e) {
    call.close(e.getStatus(), e.getTrailers() != null ? e.getTrailers() : new Metadata());
    return new ServerCall.Listener<>() { };
  }

  /** RESOURCE_EXHAUSTED with google.rpc.RetryInfo, so clients know when to come back. */
  private StatusRuntimeException rateLimited(String name, long retryInMs) {
    var status = org.apache.ratis.thirdparty.com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage("token '" + name + "' is over its rate limit (" + (long) limits.perSecond() + " calls/s, bursts of "
            + (long) limits.burst() + "); retry in " + retryInMs + " ms")
        .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(Duration.newBuilder()
            .setSeconds(retryInMs / 1000).setNanos((int) (retryInMs % 1000) * 1_000_000)).build()))
        .build();
    return StatusProto.toStatusRuntimeException(status);
  }
}
