package dev.quorumwatch.node.auth;

import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.stub.AbstractStub;
import org.apache.ratis.thirdparty.io.grpc.stub.MetadataUtils;

/** The {@code authorization: Bearer <token>} header: what clients send and the interceptor reads. */
public final class BearerToken {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private BearerToken() {}

  /** The stub sending {@code token} with every call; unchanged when there is no token. */
  public static <S extends AbstractStub<S>> S attach(S stub, String token) {
    if (token == null || token.isEmpty()) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }
}
