package dev.quorumwatch.node.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens on the client API: no or an unknown token is {@code UNAUTHENTICATED}; a read
 * token on a call that changes the cluster is {@code PERMISSION_DENIED}. The caller's token
 * name is in {@link #TOKEN_NAME} for the call, so changes can record who made them.
 */
public final class TokenAuthInterceptor implements ServerInterceptor {
  public static final Context.Key<String> TOKEN_NAME = Context.key("quorumwatch-token-name");
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  /** Calls that change the cluster (or read all of it at once); everything else needs a read token. */
  static final Set<String> ADMIN_METHODS = Set.of("Apply", "AddSilence", "ExpireSilence", "Acknowledge", "Failover",
      "AddMember", "RemoveMember", "Backup");

  private final List<ApiToken> tokens;

  public TokenAuthInterceptor(List<ApiToken> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    String header = headers.get(AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("this cluster needs an API token: pass --token or set"
          + " QUORUMWATCH_TOKEN (gRPC: metadata 'authorization: Bearer <token>')"));
    }
    Optional<ApiToken> token = find(header.substring(7).strip());
    if (token.isEmpty()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("the API token was not recognized"));
    }
    if (ADMIN_METHODS.contains(method) && token.get().role() != ApiToken.Role.ADMIN) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription("token '" + token.get().name() + "' has role read; "
          + method + " needs an admin token"));
    }
    return Contexts.interceptCall(Context.current().withValue(TOKEN_NAME, token.get().name()), call, headers, next);
  }

  /** Compares hashes in constant time, and every configured token, so timing tells nothing. */
  private Optional<ApiToken> find(String presented) {
    byte[] hash = TokenHashes.sha256(presented);
    ApiToken found = null;
    for (ApiToken t : tokens) {
      if (MessageDigest.isEqual(hash, t.sha256()) && found == null) {
        found = t;
      }
    }
    return Optional.ofNullable(found);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() { };
  }
}
