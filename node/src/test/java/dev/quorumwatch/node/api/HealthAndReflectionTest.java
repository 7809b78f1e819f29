package dev.quorumwatch.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.proto.QuorumWatchGrpc;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.Server;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckRequest;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.apache.ratis.thirdparty.io.grpc.health.v1.HealthGrpc;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionGrpc;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionRequest;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionResponse;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServiceResponse;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The node's own grpc.health.v1 and grpc.reflection.v1 services, over real gRPC on loopback. */
class HealthAndReflectionTest {
  private static Server server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new HealthService())
        .addService(new ReflectionService(List.of(QuorumWatchGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor())))
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void healthAnswersRegisteredServicesWatchersSeeChangesAndShutdownIsFinal() throws Exception {
    HealthService own = new HealthService();
    Server local = null;
    ManagedChannel to = null;
    try {
      local = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(own).build().start();
      to = NettyChannelBuilder.forAddress("127.0.0.1", local.getPort()).usePlaintext().build();
      own.setStatus("", ServingStatus.SERVING);
      own.setStatus("quorumwatch.v1.QuorumWatch", ServingStatus.SERVING);
      HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(to).withDeadlineAfter(5, TimeUnit.SECONDS);
      assertThat(stub.check(request("")).getStatus()).isEqualTo(ServingStatus.SERVING);
      assertThat(stub.check(request("quorumwatch.v1.QuorumWatch")).getStatus()).isEqualTo(ServingStatus.SERVING);
      assertThatThrownBy(() -> stub.check(request("billing")))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

      BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
      BlockingQueue<ServingStatus> unknown = new LinkedBlockingQueue<>();
      HealthGrpc.newStub(to).watch(request("quorumwatch.v1.QuorumWatch"), statuses(seen));
      HealthGrpc.newStub(to).watch(request("billing"), statuses(unknown));
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1 && unknown.size() == 1);
      assertThat(seen.poll()).isEqualTo(ServingStatus.SERVING);
      assertThat(unknown.poll()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);

      own.enterTerminalState();
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
      assertThat(seen.poll()).isEqualTo(ServingStatus.NOT_SERVING);
      own.setStatus("quorumwatch.v1.QuorumWatch", ServingStatus.SERVING);
      assertThat(stub.check(request("quorumwatch.v1.QuorumWatch")).getStatus())
          .as("no way back after shutdown began").isEqualTo(ServingStatus.NOT_SERVING);
      await("a watcher hears nothing more after shutdown began").during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2)).until(seen::isEmpty);
    } finally {
      if (to != null) {
        to.shutdownNow();
      }
      if (local != null) {
        local.shutdownNow();
      }
    }
  }

  @Test
  void reflectionListsServicesAndGivesEachFileWithWhatItImports() throws Exception {
    List<ServerReflectionResponse> answers = ask(
        ServerReflectionRequest.newBuilder().setListServices("").build(),
        ServerReflectionRequest.newBuilder().setFileContainingSymbol("quorumwatch.v1.QuorumWatch").build(),
        ServerReflectionRequest.newBuilder().setFileContainingSymbol("quorumwatch.v1.QuorumWatch.GetStatus").build(),
        ServerReflectionRequest.newBuilder().setFileByFilename("quorumwatch/v1/state.proto").build(),
        ServerReflectionRequest.newBuilder().setFileContainingSymbol("quorumwatch.v1.NoSuchThing").build(),
        ServerReflectionRequest.newBuilder().setAllExtensionNumbersOfType("quorumwatch.v1.StatusRequest").build());

    assertThat(answers.get(0).getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
        .containsExactly("quorumwatch.v1.QuorumWatch", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");

    List<FileDescriptorProto> api = files(answers.get(1));
    assertThat(api.get(0).getName()).isEqualTo("quorumwatch/v1/api.proto");
    assertThat(api).extracting(FileDescriptorProto::getName).as("the file first, then all it imports, once each")
        .doesNotHaveDuplicates().contains("quorumwatch/v1/state.proto", "quorumwatch/v1/monitors.proto");
    assertThat(api.get(0).getServiceList()).extracting(s -> s.getName()).containsExactly("QuorumWatch");
    assertThat(files(answers.get(2)).get(0).getName()).as("a method's file").isEqualTo("quorumwatch/v1/api.proto");
    assertThat(files(answers.get(3)).get(0).getName()).isEqualTo("quorumwatch/v1/state.proto");

    assertThat(answers.get(4).getErrorResponse().getErrorCode()).isEqualTo(Status.Code.NOT_FOUND.value());
    assertThat(answers.get(4).getOriginalRequest().getFileContainingSymbol()).isEqualTo("quorumwatch.v1.NoSuchThing");
    assertThat(answers.get(5).getAllExtensionNumbersResponse().getBaseTypeName()).isEqualTo("quorumwatch.v1.StatusRequest");
    assertThat(answers.get(5).getAllExtensionNumbersResponse().getExtensionNumberList()).isEmpty();
  }

  private static List<ServerReflectionResponse> ask(ServerReflectionRequest... requests) throws InterruptedException {
    BlockingQueue<ServerReflectionResponse> answers = new LinkedBlockingQueue<>();
    StreamObserver<ServerReflectionRequest> stream = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(collect(answers));
    for (ServerReflectionRequest request : requests) {
      stream.onNext(request);
    }
    stream.onCompleted();
    await().atMost(Duration.ofSeconds(5)).until(() -> answers.size() == requests.length);
    return List.copyOf(answers);
  }

  private static List<FileDescriptorProto> files(ServerReflectionResponse answer) {
    return answer.getFileDescriptorResponse().getFileDescriptorProtoList().stream().map(bytes -> {
      try {
        return FileDescriptorProto.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  private static HealthCheckRequest request(String service) {
    return HealthCheckRequest.newBuilder().setService(service).build();
  }

  private static StreamObserver<HealthCheckResponse> statuses(BlockingQueue<ServingStatus> into) {
    return collect(into, HealthCheckResponse::getStatus);
  }

  private static <T> StreamObserver<T> collect(BlockingQueue<T> into) {
    return collect(into, t -> t);
  }

  private static <T, R> StreamObserver<T> collect(BlockingQueue<R> into, java.util.function.Function<T, R> what) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        into.add(what.apply(value));
      }

      @Override
      public void onError(Throwable t) {
      }

      @Override
      public void onCompleted() {
      }
    };
  }
}
