package dev.quorumwatch.node.api;

import dev.quorumwatch.proto.FailoverRequest;
import dev.quorumwatch.proto.GetActiveEndpointRequest;
import dev.quorumwatch.proto.ListServicesRequest;
import dev.quorumwatch.proto.ListServicesResponse;
import dev.quorumwatch.proto.ServiceRecord;
import dev.quorumwatch.proto.ServiceState;
import dev.quorumwatch.proto.SetActiveEndpoint;
import dev.quorumwatch.proto.WatchServicesRequest;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.Event;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCallStreamObserver;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The service calls: list services, a service's active endpoint, a manual failover, and the stream of changes. */
final class ServicesCalls {
  private final MonitorStateMachine state;
  private final Writes writes;
  private final EventStreams streams;

  ServicesCalls(MonitorStateMachine state, Writes writes, EventStreams streams) {
    this.state = state;
    this.writes = writes;
    this.streams = streams;
  }

  void list(ListServicesRequest request, StreamObserver<ListServicesResponse> response) {
    response.onNext(ListServicesResponse.newBuilder().addAllServices(all()).build());
    response.onCompleted();
  }

  List<ServiceState> all() {
    return state.read(ServiceStates::all);
  }

  void activeEndpoint(GetActiveEndpointRequest request, StreamObserver<ServiceState> response) {
    Optional<ServiceState> found = state.read(c -> ServiceStates.one(c, request.getService()));
    if (found.isEmpty()) {
      response.onError(Status.NOT_FOUND.withDescription("no service " + request.getService()).asRuntimeException());
      return;
    }
    response.onNext(found.get());
    response.onCompleted();
  }

  void failover(FailoverRequest request, StreamObserver<ServiceState> response) {
    if (Writes.tooLong(response, "reason", request.getReason(), "by", request.getBy())) {
      return;
    }
    String by = Writes.who(request.getBy());
    if (by.isBlank()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("by: who moves the service is required")
          .asRuntimeException());
      return;
    }
    CommandReply reply = writes.commit(Command.newBuilder().setSetActiveEndpoint(SetActiveEndpoint.newBuilder()
        .setServiceId(request.getService()).setEndpoint(request.getTo()).setReason(request.getReason())
        .setBy(by)).build(), "", response);
    if (reply != null) {
      writes.answerAfter(reply, c -> ServiceStates.one(c, request.getService()).orElseThrow(), response);
    }
  }

  /**
   * Subscribes before reading the current states, so no change falls between the two; a
   * change already in the first answer is skipped by its version.
   */
  void watch(WatchServicesRequest request, StreamObserver<ServiceState> response) {
    Map<String, Long> sent = new HashMap<>();
    streams.serve((ServerCallStreamObserver<ServiceState>) response, new EventStreams.Feed<>() {
      @Override
      public void start(EventStreams.Sink<ServiceState> sink) throws InterruptedException {
        for (ServiceState s : state.read(ServiceStates::all)) {
          if (!sink.send(s)) {
            return;
          }
          sent.put(s.getService(), s.getVersion());
        }
      }

      @Override
      public void onEvent(Event e, EventStreams.Sink<ServiceState> sink) throws InterruptedException {
        if (!e.hasService() || e.getService().getVersion() <= sent.getOrDefault(e.getService().getServiceId(), 0L)) {
          return;
        }
        ServiceRecord r = e.getService();
        Optional<ServiceState> s = state.read(c -> ServiceStates.spec(c, r.getServiceId())
            .map(spec -> ServiceStates.of(c, spec, r)));
        if (s.isPresent() && sink.send(s.get())) {
          sent.put(r.getServiceId(), r.getVersion());
        }
      }
    });
  }
}
