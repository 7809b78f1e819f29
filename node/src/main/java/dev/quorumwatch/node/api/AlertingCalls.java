package dev.quorumwatch.node.api;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.coordinator.incident.IncidentLog;
import dev.quorumwatch.proto.AcknowledgeRequest;
import dev.quorumwatch.proto.Acknowledge;
import dev.quorumwatch.proto.AddSilence;
import dev.quorumwatch.proto.AddSilenceRequest;
import dev.quorumwatch.proto.ExpireSilence;
import dev.quorumwatch.proto.ExpireSilenceRequest;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.PostIncidentUpdate;
import dev.quorumwatch.proto.ListSilencesRequest;
import dev.quorumwatch.proto.ListSilencesResponse;
import dev.quorumwatch.proto.Silence;
import dev.quorumwatch.coordinator.ratis.MonitorStateMachine;
import dev.quorumwatch.node.config.Durations;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.CommandReply;
import dev.quorumwatch.proto.UpdateIncidentRequest;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;

/** The calls that change how alerts go out: silences (add, list, expire) and acknowledgements. */
final class AlertingCalls {
  private final MonitorStateMachine state;
  private final Writes writes;

  AlertingCalls(MonitorStateMachine state, Writes writes) {
    this.state = state;
    this.writes = writes;
  }

  void addSilence(AddSilenceRequest request, StreamObserver<Silence> response) {
    if (Writes.tooLong(response, "comment", request.getComment(), "created_by", request.getCreatedBy())) {
      return;
    }
    AddSilence.Builder add = AddSilence.newBuilder().setDurationMs(request.getDurationMs())
        .setComment(request.getComment()).setCreatedBy(Writes.who(request.getCreatedBy()));
    if (request.getMatchersCount() == 0) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("matchers: at least one is needed, e.g. service=api")
          .asRuntimeException());
      return;
    }
    if (request.getDurationMs() <= 0 || request.getDurationMs() > Durations.MAX_MS) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("duration: expected a positive duration of at most"
          + " 3650d, got " + request.getDurationMs() + " ms").asRuntimeException());
      return;
    }
    for (String text : request.getMatchersList()) {
      try {
        add.addMatchers(Matchers.parse(text));
      } catch (IllegalArgumentException e) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("matchers: " + e.getMessage()).asRuntimeException());
        return;
      }
    }
    CommandReply reply = writes.commit(Command.newBuilder().setAddSilence(add).build(), "", response);
    if (reply != null) {
      writes.answerAfter(reply, c -> c.silences().stream().filter(x -> x.getId().equals(reply.getCreatedId())).findFirst()
          .orElseThrow(), response);
    }
  }

  void listSilences(ListSilencesRequest request, StreamObserver<ListSilencesResponse> response) {
    response.onNext(state.read(c -> ListSilencesResponse.newBuilder().addAllSilences(c.silences())
        .setClockMs(c.clockMs()).build()));
    response.onCompleted();
  }

  void expireSilence(ExpireSilenceRequest request, StreamObserver<Silence> response) {
    CommandReply reply = writes.commit(Command.newBuilder().setExpireSilence(ExpireSilence.newBuilder()
        .setSilenceId(request.getSilenceId())).build(), "", response);
    if (reply != null) {
      writes.answerAfter(reply, c -> c.silences().stream().filter(x -> x.getId().equals(request.getSilenceId())).findFirst()
          .orElseThrow(), response);
    }
  }

  void acknowledge(AcknowledgeRequest request, StreamObserver<Incident> response) {
    if (Writes.tooLong(response, "comment", request.getComment(), "by", request.getBy())) {
      return;
    }
    String by = Writes.who(request.getBy());
    if (by.isBlank()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("by: who acknowledges is required").asRuntimeException());
      return;
    }
    CommandReply reply = writes.commit(Command.newBuilder().setAcknowledge(Acknowledge.newBuilder()
        .setIncidentId(request.getIncidentId()).setBy(by).setComment(request.getComment())).build(),
        "", response);
    if (reply != null) {
      writes.answerAfter(reply, c -> c.incident(request.getIncidentId()).orElseThrow(), response);
    }
  }

  void updateIncident(UpdateIncidentRequest request, StreamObserver<Incident> response) {
    if (request.getMessage().length() > IncidentLog.UPDATE_MESSAGE_CHARS_MAX) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("message: expected at most "
          + IncidentLog.UPDATE_MESSAGE_CHARS_MAX + " characters, got " + request.getMessage().length())
          .asRuntimeException());
      return;
    }
    if (Writes.tooLong(response, "by", request.getBy())) {
      return;
    }
    String by = Writes.who(request.getBy());
    if (by.isBlank()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("by: who writes the update is required")
          .asRuntimeException());
      return;
    }
    CommandReply reply = writes.commit(Command.newBuilder().setPostIncidentUpdate(PostIncidentUpdate.newBuilder()
        .setIncidentId(request.getIncidentId()).setStatus(request.getStatusValue()).setMessage(request.getMessage())
        .setBy(by)).build(), "", response);
    if (reply != null) {
      writes.answerAfter(reply, c -> c.incident(request.getIncidentId()).orElseThrow(), response);
    }
  }
}
