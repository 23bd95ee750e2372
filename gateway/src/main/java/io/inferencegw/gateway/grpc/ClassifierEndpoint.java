package io.inferencegw.gateway.grpc;

import io.inferencegw.gateway.admission.ModelRouting;
import io.inferencegw.gateway.batching.BatchProfile;
import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.observability.Api;
import io.inferencegw.gateway.observability.CompletedRequest;
import io.inferencegw.gateway.observability.RequestIds;
import io.inferencegw.gateway.observability.RequestRecorder;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.inferencegw.gateway.registry.ServedModel;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.proto.v1.ClassifierGrpcService;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ListModelsRequest;
import io.inferencegw.proto.v1.ListModelsResponse;
import io.inferencegw.proto.v1.BatchTiming;
import io.inferencegw.proto.v1.ModelInfo;
import io.inferencegw.proto.v1.ReplicaProfile;
import io.inferencegw.proto.v1.Prediction;
import io.inferencegw.proto.v1.Preprocess;
import io.inferencegw.proto.v1.Timing;
import io.inferencegw.proto.v1.VariantInfo;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcError;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gateway.v1.Classifier} gRPC service. Runs on event loops: it parses and checks a
 * call, admits it into its model's queue, and answers when the worker's result arrives. It
 * never blocks and never touches LibTorch.
 */
public final class ClassifierEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(ClassifierEndpoint.class);

  private final Vertx vertx;
  private final ModelManager models;
  private final PluginRegistry plugins;
  private final InputLimits limits;
  private final RequestRecorder recorder;

  /** @param recorder told of every answered Classify call */
  public ClassifierEndpoint(Vertx vertx, ModelManager models, PluginRegistry plugins,
      InputLimits limits, RequestRecorder recorder) {
    this.vertx = vertx;
    this.models = models;
    this.plugins = plugins;
    this.limits = limits;
    this.recorder = recorder;
  }

  /** Adds the service; its descriptor tells the server that both methods are unary. */
  public void bind(GrpcServer server) {
    server.addService(
        Service.service(ClassifierGrpcService.SERVICE_NAME, ClassifierGrpcService.SERVICE_DESCRIPTOR)
            .bind(ClassifierGrpcService.Classify, this::classify)
            .bind(ClassifierGrpcService.ListModels, this::listModels)
            .build());
  }

  private void classify(GrpcServerRequest<ClassifyRequest, ClassifyResponse> call) {
    call.handler(message -> admit(call, message));
  }

  private void admit(GrpcServerRequest<ClassifyRequest, ClassifyResponse> call, ClassifyRequest req) {
    long startNanos = System.nanoTime();
    String resolved;
    GatewayException badId = null;
    try {
      resolved = RequestIds.resolve(req.getRequestId(), call.headers().get(RequestIds.HEADER));
    } catch (GatewayException e) {
      resolved = RequestIds.generate();
      badId = e;
    }
    String id = resolved;
    // Sent with the answer, whatever it is: headers, or trailers of an error without a message.
    call.response().headers().set(RequestIds.HEADER, id);
    if (badId != null) {
      answerFailure(call, id, req.getModel(), req.getVersion(), false, startNanos, badId);
      return;
    }
    ServedModel model;
    try {
      model = ModelRouting.route(models, req.getModel(), req.getVersion());
    } catch (GatewayException e) {
      answerFailure(call, id, req.getModel(), req.getVersion(), false, startNanos, e);
      return;
    }
    ModelInput input;
    try {
      input = RequestInputs.of(req, model.spec(), limits);
    } catch (GatewayException e) {
      answerFailure(call, id, model.name(), model.version(), true, startNanos, e);
      return;
    }
    int topK = ModelRouting.topK(req.getTopK(), model);
    long timeoutMs = call.timeout();
    long deadline =
        timeoutMs > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs) : Long.MAX_VALUE;
    InferenceRequest request =
        new InferenceRequest(input, topK, req.getReturnLogits(), deadline, vertx.getOrCreateContext());
    ServedModel served;
    try {
      served = ModelRouting.admit(models, model, req.getVersion(), request);
    } catch (GatewayException e) {
      answerFailure(call, id, model.name(), model.version(), true, startNanos, e);
      return;
    }
    request
        .result()
        .onSuccess(result -> {
          recorder.record(CompletedRequest.ok(Api.CLASSIFY, id, served.name(), startNanos, result));
          call.response().send(toResponse(id, served, result));
        })
        .onFailure(error -> answerFailure(call, id, served.name(), served.version(), true,
            startNanos, error));
    if (timeoutMs > 0) {
      long timer =
          vertx.setTimer(
              timeoutMs,
              timerId -> {
                if (served.queue().remove(request)) {
                  request.fail(ErrorCode.DEADLINE_EXCEEDED,
                      "deadline of " + timeoutMs + " ms passed while queued for " + served.name());
                }
              });
      request.result().onComplete(ar -> vertx.cancelTimer(timer));
    }
    call.errorHandler(
        error -> {
          if (error == GrpcError.CANCELLED && served.queue().remove(request)) {
            request.fail(ErrorCode.CANCELLED, "cancelled by the client");
          }
        });
  }

  private static ClassifyResponse toResponse(
      String requestId, ServedModel model, InferenceResult result) {
    ClassifyResponse.Builder out =
        ClassifyResponse.newBuilder()
            .setModel(model.name())
            .setVersion(result.version())
            .setRequestId(requestId)
            .setTiming(
                Timing.newBuilder()
                    .setQueueUs(result.queueMicros())
                    .setComputeUs(result.computeMicros())
                    .setBatchSize(result.batchSize())
                    .setPrepareUs(result.stages().prepareMicros())
                    .setBatchWaitUs(result.stages().batchWaitMicros())
                    .setForwardUs(result.stages().forwardMicros()));
    for (int i = 0; i < result.indices().length; i++) {
      int index = result.indices()[i];
      out.addPredictions(
          Prediction.newBuilder()
              .setIndex(index)
              .setLabel(model.label(index))
              .setScore(result.scores()[i]));
    }
    if (result.logits() != null) {
      for (float l : result.logits()) {
        out.addLogits(l);
      }
    }
    return out.build();
  }

  /**
   * Records and answers a call that gets no result.
   *
   * @param routed whether {@code model} and {@code version} name a served model version
   */
  private void answerFailure(GrpcServerRequest<?, ?> call, String requestId, String model,
      String version, boolean routed, long startNanos, Throwable error) {
    GatewayException e = asGatewayException(error);
    recorder.record(CompletedRequest.failed(
        Api.CLASSIFY, requestId, model, version, routed, startNanos, e.code()));
    reply(call, e);
  }

  private static GatewayException asGatewayException(Throwable error) {
    return error instanceof GatewayException g
        ? g
        : new GatewayException(ErrorCode.INTERNAL, "internal error: " + error.getMessage(), error);
  }

  /** Answers a call with the status of the error table (INTERNAL for anything unexpected). */
  public static void reply(GrpcServerRequest<?, ?> call, Throwable error) {
    GatewayException e = asGatewayException(error);
    if (e.code() == ErrorCode.INTERNAL) {
      LOG.warn("internal error answered to a client", error);
    }
    try {
      call.response().status(GrpcStatuses.of(e.code())).statusMessage(e.getMessage()).end();
    } catch (RuntimeException closed) {
      LOG.debug("could not answer a call that is already closed: {}", closed.getMessage());
    }
  }

  /** Answered off the event loop: the catalog counts parameters when first asked. */
  private void listModels(GrpcServerRequest<ListModelsRequest, ListModelsResponse> call) {
    call.handler(req -> vertx.executeBlocking(this::modelsAndCatalog).onComplete(
        done -> {
          if (done.succeeded()) {
            call.response().send(done.result());
          } else {
            LOG.warn("ListModels failed", done.cause());
            call.response().status(GrpcStatus.INTERNAL)
                .statusMessage("could not list the models: " + done.cause().getMessage()).end();
          }
        }));
  }

  private static ReplicaProfile replicaProfile(ServedModel.ReplicaProfile replica) {
    ReplicaProfile.Builder out = ReplicaProfile.newBuilder()
        .setWorker(replica.worker())
        .setDevice(replica.device())
        .setPinned(replica.profile().pinned())
        .addAllPreferredBatchSizes(replica.profile().preferredSizes());
    for (BatchProfile.Point p : replica.profile().points()) {
      out.addProfile(BatchTiming.newBuilder()
          .setBatchSize(p.batchSize())
          .setForwardUs(TimeUnit.NANOSECONDS.toMicros(p.forwardNanos()))
          .setImagesPerSecond(p.imagesPerSecond()));
    }
    return out.build();
  }

  private ListModelsResponse modelsAndCatalog() {
    ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
    for (ServedModel m : models.models()) {
      out.addModels(
          ModelInfo.newBuilder()
              .setName(m.name())
              .setVersion(m.version())
              .setFamily(m.config().family())
              .setVariant(m.config().variant())
              .setState(m.state().name())
              .setNumClasses(m.spec().numClasses())
              .addAllDevices(m.config().devices())
              .setPrecision(m.config().precision().configName())
              .setPreprocessing(m.config().preprocessing().configName())
              .addAllReplicas(m.replicaProfiles().stream()
                  .map(ClassifierEndpoint::replicaProfile).toList()));
    }
    for (PluginRegistry.CatalogEntry e : plugins.catalog()) {
      VariantInfo.Builder v =
          VariantInfo.newBuilder()
              .setFamily(e.family())
              .setVariant(e.variant().name())
              .setParameters(e.parameters())
              .setNumClasses(e.variant().numClasses())
              .setPreprocess(preprocess(e.variant().preprocess()))
              .setInputNote(e.inputNote());
      e.variant().inputShape().forEach(v::addInputShape);
      out.addCatalog(v);
    }
    return out.build();
  }

  private static Preprocess preprocess(PreprocessSpec spec) {
    Preprocess.Builder p = Preprocess.newBuilder()
        .setColor(spec.color().name())
        .setResizeShorter(spec.resizeShorter())
        .setCropHeight(spec.cropHeight())
        .setCropWidth(spec.cropWidth())
        .setInterpolation(spec.interpolation().name());
    for (float m : spec.mean()) {
      p.addMean(m);
    }
    for (float s : spec.std()) {
      p.addStd(s);
    }
    return p.build();
  }
}
