package dev.quorumwatch.node.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.ratis.thirdparty.com.google.protobuf.Descriptors.Descriptor;
import org.apache.ratis.thirdparty.com.google.protobuf.Descriptors.EnumDescriptor;
import org.apache.ratis.thirdparty.com.google.protobuf.Descriptors.FieldDescriptor;
import org.apache.ratis.thirdparty.com.google.protobuf.Descriptors.FileDescriptor;
import org.apache.ratis.thirdparty.com.google.protobuf.Descriptors.MethodDescriptor;
import org.apache.ratis.thirdparty.com.google.protobuf.Descriptors.ServiceDescriptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.protobuf.ProtoFileDescriptorSupplier;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ErrorResponse;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ExtensionNumberResponse;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ExtensionRequest;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.FileDescriptorResponse;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ListServiceResponse;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionGrpc;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionRequest;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServerReflectionResponse;
import org.apache.ratis.thirdparty.io.grpc.reflection.v1.ServiceResponse;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCallStreamObserver;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;

/**
 * grpc.reflection.v1, so grpcurl and similar tools need no .proto files: the served services,
 * and each proto file (with the files it imports) by name or by a symbol it defines. The gRPC
 * copy the node runs on (Ratis' shaded one) comes without grpc-services, so the node answers
 * reflection itself. Everything is indexed once, at construction; a stream answers its
 * requests one at a time, reading the next only when the client can take the answer.
 */
public final class ReflectionService extends ServerReflectionGrpc.ServerReflectionImplBase {
  private final List<String> services = new ArrayList<>();
  private final Map<String, FileDescriptor> filesByName = new HashMap<>();
  private final Map<String, FileDescriptor> filesBySymbol = new HashMap<>();
  private final List<FieldDescriptor> extensions = new ArrayList<>();

  /** {@code served}: the other services on the server; this one is added. */
  public ReflectionService(List<org.apache.ratis.thirdparty.io.grpc.ServiceDescriptor> served) {
    List<org.apache.ratis.thirdparty.io.grpc.ServiceDescriptor> all = new ArrayList<>(served);
    all.add(ServerReflectionGrpc.getServiceDescriptor());
    for (org.apache.ratis.thirdparty.io.grpc.ServiceDescriptor service : all) {
      services.add(service.getName());
      if (service.getSchemaDescriptor() instanceof ProtoFileDescriptorSupplier proto) {
        index(proto.getFileDescriptor());
      }
    }
  }

  @Override
  public StreamObserver<ServerReflectionRequest> serverReflectionInfo(StreamObserver<ServerReflectionResponse> responses) {
    ServerCallStreamObserver<ServerReflectionResponse> call = (ServerCallStreamObserver<ServerReflectionResponse>) responses;
    call.disableAutoRequest();
    // gRPC calls a call's handlers one at a time, so this flag needs no lock.
    boolean[] waitingForReady = {false};
    call.setOnReadyHandler(() -> {
      if (waitingForReady[0]) {
        waitingForReady[0] = false;
        call.request(1);
      }
    });
    call.request(1);
    return new StreamObserver<>() {
      @Override
      public void onNext(ServerReflectionRequest request) {
        call.onNext(answer(request));
        if (call.isReady()) {
          call.request(1);
        } else {
          waitingForReady[0] = true;
        }
      }

      @Override
      public void onError(Throwable t) {
        // The client went away: nothing to answer.
      }

      @Override
      public void onCompleted() {
        call.onCompleted();
      }
    };
  }

  ServerReflectionResponse answer(ServerReflectionRequest request) {
    ServerReflectionResponse.Builder response = ServerReflectionResponse.newBuilder()
        .setValidHost(request.getHost()).setOriginalRequest(request);
    switch (request.getMessageRequestCase()) {
      case LIST_SERVICES -> {
        ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
        services.forEach(name -> list.addService(ServiceResponse.newBuilder().setName(name)));
        return response.setListServicesResponse(list).build();
      }
      case FILE_BY_FILENAME -> {
        return withFile(response, filesByName.get(request.getFileByFilename()), "file");
      }
      case FILE_CONTAINING_SYMBOL -> {
        return withFile(response, filesBySymbol.get(request.getFileContainingSymbol()), "symbol");
      }
      case FILE_CONTAINING_EXTENSION -> {
        ExtensionRequest wanted = request.getFileContainingExtension();
        FileDescriptor file = extensions.stream()
            .filter(e -> e.getContainingType().getFullName().equals(wanted.getContainingType())
                && e.getNumber() == wanted.getExtensionNumber())
            .map(FieldDescriptor::getFile).findFirst().orElse(null);
        return withFile(response, file, "extension");
      }
      case ALL_EXTENSION_NUMBERS_OF_TYPE -> {
        String type = request.getAllExtensionNumbersOfType();
        if (!filesBySymbol.containsKey(type)) {
          return withError(response, Status.Code.NOT_FOUND, "type not found");
        }
        ExtensionNumberResponse.Builder numbers = ExtensionNumberResponse.newBuilder().setBaseTypeName(type);
        extensions.stream().filter(e -> e.getContainingType().getFullName().equals(type))
            .forEach(e -> numbers.addExtensionNumber(e.getNumber()));
        return response.setAllExtensionNumbersResponse(numbers).build();
      }
      default -> {
        return withError(response, Status.Code.INVALID_ARGUMENT, "no request given");
      }
    }
  }

  /** The file first, then every file it imports, directly or not, each once. */
  private static ServerReflectionResponse withFile(ServerReflectionResponse.Builder response, FileDescriptor file, String what) {
    if (file == null) {
      return withError(response, Status.Code.NOT_FOUND, what + " not found");
    }
    Set<FileDescriptor> seen = new LinkedHashSet<>();
    Deque<FileDescriptor> next = new ArrayDeque<>(List.of(file));
    while (!next.isEmpty()) {
      FileDescriptor f = next.removeFirst();
      if (seen.add(f)) {
        next.addAll(f.getDependencies());
      }
    }
    FileDescriptorResponse.Builder files = FileDescriptorResponse.newBuilder();
    seen.forEach(f -> files.addFileDescriptorProto(f.toProto().toByteString()));
    return response.setFileDescriptorResponse(files).build();
  }

  private static ServerReflectionResponse withError(ServerReflectionResponse.Builder response, Status.Code code, String message) {
    return response.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(code.value()).setErrorMessage(message)).build();
  }

  private void index(FileDescriptor file) {
    if (filesByName.putIfAbsent(file.getName(), file) != null) {
      return;
    }
    file.getDependencies().forEach(this::index);
    for (ServiceDescriptor service : file.getServices()) {
      filesBySymbol.put(service.getFullName(), file);
      for (MethodDescriptor method : service.getMethods()) {
        filesBySymbol.put(method.getFullName(), file);
      }
    }
    file.getMessageTypes().forEach(this::index);
    file.getEnumTypes().forEach(e -> filesBySymbol.put(e.getFullName(), file));
    indexExtensions(file.getExtensions());
  }

  private void index(Descriptor message) {
    filesBySymbol.put(message.getFullName(), message.getFile());
    message.getNestedTypes().forEach(this::index);
    for (EnumDescriptor nested : message.getEnumTypes()) {
      filesBySymbol.put(nested.getFullName(), message.getFile());
    }
    indexExtensions(message.getExtensions());
  }

  private void indexExtensions(List<FieldDescriptor> declared) {
    for (FieldDescriptor extension : declared) {
      filesBySymbol.put(extension.getFullName(), extension.getFile());
      extensions.add(extension);
    }
  }
}
