package dev.quorumwatch.node.api;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckRequest;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthGrpc;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCallStreamObserver;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;

/**
 * grpc.health.v1.Health for load balancers and probes: Check answers a registered service's
 * status (NOT_FOUND for any other), Watch streams it and each change. The gRPC copy the node
 * runs on (Ratis' shaded one) comes without grpc-services, so the node serves health itself.
 */
public final class HealthService extends HealthGrpc.HealthImplBase {
  private final Map<String, ServingStatus> statuses = new HashMap<>();
  /** Open Watch calls by the service they asked for; a cancelled call leaves at once. */
  private final Map<String, Set<StreamObserver<HealthCheckResponse>>> watchers = new HashMap<>();
  private boolean terminal;

  /** Ignored after {@link #enterTerminalState()}: a node shutting down never turns serving again. */
  public synchronized void setStatus(String service, ServingStatus status) {
    if (!terminal) {
      update(service, status);
    }
  }

  /** Every service NOT_SERVING from now on, told to every watcher. */
  public synchronized void enterTerminalState() {
    terminal = true;
    for (String service : Set.copyOf(statuses.keySet())) {
      update(service, ServingStatus.NOT_SERVING);
    }
  }

  @Override
  public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
    ServingStatus status;
    synchronized (this) {
      status = statuses.get(request.getService());
    }
    if (status == null) {
      responses.onError(Status.NOT_FOUND.withDescription("unknown service").asRuntimeException());
      return;
    }
    responses.onNext(response(status));
    responses.onCompleted();
  }

  @Override
  public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
    String service = request.getService();
    ((ServerCallStreamObserver<HealthCheckResponse>) responses).setOnCancelHandler(() -> forget(service, responses));
    synchronized (this) {
      watchers.computeIfAbsent(service, s -> new LinkedHashSet<>()).add(responses);
      responses.onNext(response(statuses.getOrDefault(service, ServingStatus.SERVICE_UNKNOWN)));
    }
  }

  private synchronized void forget(String service, StreamObserver<HealthCheckResponse> responses) {
    Set<StreamObserver<HealthCheckResponse>> open = watchers.get(service);
    if (open != null && open.remove(responses) && open.isEmpty()) {
      watchers.remove(service);
    }
  }

  /** Holds this object's lock, so each watcher's messages go out one at a time and in order. */
  private void update(String service, ServingStatus status) {
    if (statuses.put(service, status) == status) {
      return;
    }
    for (StreamObserver<HealthCheckResponse> watcher : watchers.getOrDefault(service, Set.of())) {
      watcher.onNext(response(status));
    }
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }
}
