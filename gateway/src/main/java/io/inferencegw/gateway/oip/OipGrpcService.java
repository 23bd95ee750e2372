package io.inferencegw.gateway.oip;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.observability.Api;
import io.inferencegw.gateway.observability.RequestIds;
import io.inferencegw.gateway.observability.RequestRecorder;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.grpc.ClassifierEndpoint;
import io.inferencegw.gateway.management.ManagementAccess;
import io.inferencegw.gateway.management.ModelRepositoryActions;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.registry.ServedModel;
import io.inferencegw.proto.oip.GRPCInferenceServiceGrpcService;
import io.inferencegw.proto.oip.InferParameter;
import io.inferencegw.proto.oip.InferTensorContents;
import io.inferencegw.proto.oip.ModelInferRequest;
import io.inferencegw.proto.oip.ModelInferResponse;
import io.inferencegw.proto.oip.ModelMetadataRequest;
import io.inferencegw.proto.oip.ModelMetadataResponse;
import io.inferencegw.proto.oip.ModelReadyRequest;
import io.inferencegw.proto.oip.ModelReadyResponse;
import io.inferencegw.proto.oip.ServerLiveRequest;
import io.inferencegw.proto.oip.ServerLiveResponse;
import io.inferencegw.proto.oip.ServerMetadataRequest;
import io.inferencegw.proto.oip.ServerMetadataResponse;
import io.inferencegw.proto.oip.ServerReadyRequest;
import io.inferencegw.proto.oip.ServerReadyResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcError;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The Open Inference Protocol's {@code inference.GRPCInferenceService}. Runs on event loops
 * like {@link ClassifierEndpoint}, whose routing, admission and error statuses it shares.
 * Answers carry their tensors in {@code raw_output_contents}, as Triton's do.
 */
public final class OipGrpcService {

  private final Vertx vertx;
  private final ModelManager models;
  private final InputLimits limits;
  private final BooleanSupplier ready;
  private final OipRequests requests;
  private final RepositoryRpcs repository;

  /**
   * @param ready the gateway's readiness, as GET /health/ready answers it
   * @param recorder told of every answered infer request
   * @param access who may call the model repository RPCs
   */
  public OipGrpcService(Vertx vertx, ModelManager models, InputLimits limits,
      BooleanSupplier ready, RequestRecorder recorder, ManagementAccess access,
      ModelRepositoryActions repository) {
    this.vertx = vertx;
    this.models = models;
    this.limits = limits;
    this.ready = ready;
    this.requests = new OipRequests(recorder, models);
    this.repository = new RepositoryRpcs(access, repository);
  }

  /** Adds the service to the gRPC ingress. */
  public void bind(GrpcServer server) {
    server.addService(
        Service.service(GRPCInferenceServiceGrpcService.SERVICE_NAME,
                GRPCInferenceServiceGrpcService.SERVICE_DESCRIPTOR)
            .bind(GRPCInferenceServiceGrpcService.ServerLive, unary(this::serverLive))
            .bind(GRPCInferenceServiceGrpcService.ServerReady, unary(this::serverReady))
            .bind(GRPCInferenceServiceGrpcService.ModelReady, unary(this::modelReady))
            .bind(GRPCInferenceServiceGrpcService.ServerMetadata, unary(this::serverMetadata))
            .bind(GRPCInferenceServiceGrpcService.ModelMetadata, unary(this::modelMetadata))
            .bind(GRPCInferenceServiceGrpcService.ModelInfer, this::modelInfer)
            .bind(GRPCInferenceServiceGrpcService.RepositoryIndex, repository::index)
            .bind(GRPCInferenceServiceGrpcService.RepositoryModelLoad, repository::load)
            .bind(GRPCInferenceServiceGrpcService.RepositoryModelUnload, repository::unload)
            .build());
  }

  /** A call answered at once from its request; a GatewayException becomes its status. */
  private static <Q, R> io.vertx.core.Handler<GrpcServerRequest<Q, R>> unary(
      java.util.function.Function<Q, R> answer) {
    return call -> call.handler(req -> {
      R response;
      try {
        response = answer.apply(req);
      } catch (GatewayException e) {
        ClassifierEndpoint.reply(call, e);
        return;
      }
      call.response().send(response);
    });
  }

  private ServerLiveResponse serverLive(ServerLiveRequest req) {
    return ServerLiveResponse.newBuilder().setLive(true).build();
  }

  private ServerReadyResponse serverReady(ServerReadyRequest req) {
    return ServerReadyResponse.newBuilder().setReady(ready.getAsBoolean()).build();
  }

  private ServerMetadataResponse serverMetadata(ServerMetadataRequest req) {
    return ServerMetadataResponse.newBuilder()
        .setName(OipProtocol.SERVER_NAME)
        .setVersion(OipProtocol.serverVersion())
        .addAllExtensions(OipProtocol.EXTENSIONS)
        .build();
  }

  private ModelReadyResponse modelReady(ModelReadyRequest req) {
    ServedModel model = OipModels.find(models, req.getName(), req.getVersion());
    return ModelReadyResponse.newBuilder().setReady(model.state() == ModelState.READY).build();
  }

  private ModelMetadataResponse modelMetadata(ModelMetadataRequest req) {
    ServedModel model = OipModels.find(models, req.getName(), req.getVersion());
    ModelMetadataResponse.Builder out = ModelMetadataResponse.newBuilder()
        .setName(model.name())
        .addVersions(model.version())
        .setPlatform(OipModels.platform(model))
        .putAllProperties(OipModels.properties(model));
    for (ModelSignature.TensorSpec t : ModelSignature.inputs(model.spec())) {
      out.addInputs(metadata(t));
    }
    for (ModelSignature.TensorSpec t : ModelSignature.outputs(model.spec())) {
      out.addOutputs(metadata(t));
    }
    return out.build();
  }

  private static ModelMetadataResponse.TensorMetadata metadata(ModelSignature.TensorSpec t) {
    ModelMetadataResponse.TensorMetadata.Builder m = ModelMetadataResponse.TensorMetadata
        .newBuilder().setName(t.name()).setDatatype(t.datatype());
    for (long d : t.shape()) {
      m.addShape(d);
    }
    return m.build();
  }

  private void modelInfer(GrpcServerRequest<ModelInferRequest, ModelInferResponse> call) {
    call.handler(req -> {
      long startNanos = System.nanoTime();
      String header = call.headers().get(RequestIds.HEADER);
      SplitInference split;
      try {
        InferCall infer = inferCall(req);
        split = SplitInference.start(vertx, models, limits, infer, false,
            infer.timeoutNanos(Math.max(0, call.timeout())));
      } catch (GatewayException e) {
        requests.record(Api.OIP_GRPC, req.getId(), req.getModelName(), req.getModelVersion(),
            header, startNanos, Future.failedFuture(e));
        ClassifierEndpoint.reply(call, e);
        return;
      }
      split.answer()
          .onComplete(outcome -> requests.record(Api.OIP_GRPC, req.getId(), req.getModelName(),
              req.getModelVersion(), header, startNanos, outcome))
          .onSuccess(answer -> call.response().send(response(req, answer)))
          .onFailure(error -> ClassifierEndpoint.reply(call, error));
      call.errorHandler(error -> {
        if (error == GrpcError.CANCELLED) {
          split.cancel();
        }
      });
    });
  }

  /** The request in transport-neutral form; raw and typed contents are both taken. */
  static InferCall inferCall(ModelInferRequest req) {
    int raws = req.getRawInputContentsCount();
    if (raws != 0 && raws != req.getInputsCount()) {
      throw GatewayException.invalid("raw_input_contents has " + raws + " entries; it must have"
          + " one per input (" + req.getInputsCount() + ") or none");
    }
    List<InputTensor> inputs = new ArrayList<>();
    for (int i = 0; i < req.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor in = req.getInputs(i);
      long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
      if (raws > 0) {
        if (in.hasContents()) {
          throw GatewayException.invalid("input '" + in.getName() + "' has both contents and"
              + " raw_input_contents");
        }
        inputs.add(fromRaw(in.getName(), in.getDatatype(), shape, req.getRawInputContents(i)));
      } else {
        inputs.add(fromContents(in.getName(), in.getDatatype(), shape, in.getContents()));
      }
    }
    List<RequestedOutput> outputs = new ArrayList<>();
    for (ModelInferRequest.InferRequestedOutputTensor o : req.getOutputsList()) {
      outputs.add(new RequestedOutput(o.getName(), classification(o.getName(),
          o.getParametersMap()), true));
    }
    return new InferCall(req.getModelName(), req.getModelVersion(), req.getId(), inputs, outputs,
        timeout(req.getParametersMap()));
  }

  private static InputTensor fromRaw(String name, String datatype, long[] shape, ByteString raw) {
    if (datatype.equals("BYTES")) {
      return InputTensor.bytes(name, datatype, shape, BytesElements.decode(
          name, raw.asReadOnlyByteBuffer(), InputTensor.elementCount(name, shape)));
    }
    return InputTensor.raw(name, datatype, shape, raw.toByteArray());
  }

  private static InputTensor fromContents(
      String name, String datatype, long[] shape, InferTensorContents contents) {
    switch (datatype) {
      case "BYTES":
        return InputTensor.bytes(name, datatype, shape,
            contents.getBytesContentsList().stream().map(ByteString::toByteArray).toList());
      case "FP32": {
        ByteBuffer raw = ByteBuffer.allocate(contents.getFp32ContentsCount() * Float.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
        contents.getFp32ContentsList().forEach(raw::putFloat);
        return InputTensor.raw(name, datatype, shape, raw.array());
      }
      case "UINT8": {
        byte[] raw = new byte[contents.getUintContentsCount()];
        for (int i = 0; i < raw.length; i++) {
          int v = contents.getUintContents(i);
          if (v < 0 || v > 255) {
            throw GatewayException.invalid("input '" + name + "' element " + i + ": "
                + Integer.toUnsignedString(v) + " is not a UINT8 value");
          }
          raw[i] = (byte) v;
        }
        return InputTensor.raw(name, datatype, shape, raw);
      }
      default:
        throw GatewayException.invalid("input '" + name + "': datatype " + datatype
            + " is not taken (BYTES, UINT8 or FP32)");
    }
  }

  /** Triton's {@code timeout} request parameter, in microseconds; 0 when absent. */
  private static long timeout(Map<String, InferParameter> parameters) {
    InferParameter p = parameters.get(InferCall.TIMEOUT);
    return p == null ? 0 : InferCall.checkedTimeout(
        wholeNumber(p, "parameter timeout must be an int64_param or uint64_param of microseconds"));
  }

  private static int classification(String output, Map<String, InferParameter> parameters) {
    InferParameter p = parameters.get(OipProtocol.CLASSIFICATION);
    return p == null ? 0 : OipModels.classificationCount(output, wholeNumber(p,
        "output '" + output + "': parameter classification must be an int64_param"));
  }

  /**
   * An {@code int64_param} or {@code uint64_param}; a uint64 above Long.MAX_VALUE (negative in
   * Java) as Long.MAX_VALUE, which every bound then refuses as too large.
   */
  private static long wholeNumber(InferParameter p, String otherwise) {
    return switch (p.getParameterChoiceCase()) {
      case INT64_PARAM -> p.getInt64Param();
      case UINT64_PARAM -> p.getUint64Param() < 0 ? Long.MAX_VALUE : p.getUint64Param();
      default -> throw GatewayException.invalid(otherwise);
    };
  }

  private static ModelInferResponse response(ModelInferRequest req, SplitInference.Answer a) {
    ModelInferResponse.Builder out = ModelInferResponse.newBuilder()
        .setModelName(a.modelName())
        .setModelVersion(a.version())
        .setId(req.getId());
    for (OutputTensor t : a.outputs()) {
      out.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
          .setName(t.name())
          .setDatatype(t.datatype())
          .addAllShape(Arrays.stream(t.shape()).boxed().toList()));
      out.addRawOutputContents(UnsafeByteOperations.unsafeWrap(t.rawBytes()));
    }
    return out.build();
  }
}
