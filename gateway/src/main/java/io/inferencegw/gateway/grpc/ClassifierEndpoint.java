package io.inferencegw.gateway.grpc;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.inferencegw.gateway.registry.ServedModel;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.proto.v1.ClassifierGrpcService;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ListModelsRequest;
import io.inferencegw.proto.v1.ListModelsResponse;
import io.inferencegw.proto.v1.ModelInfo;
import io.inferencegw.proto.v1.Prediction;
import io.inferencegw.proto.v1.Preprocess;
import io.inferencegw.proto.v1.Timing;
import io.inferencegw.proto.v1.VariantInfo;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcError;
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

  public ClassifierEndpoint(
      Vertx vertx, ModelManager models, PluginRegistry plugins, InputLimits limits) {
    this.vertx = vertx;
    this.models = models;
    this.plugins = plugins;
    this.limits = limits;
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
    ServedModel model;
    ModelInput input;
    try {
      model = ModelRouting.route(models, req.getModel(), req.getVersion());
      input = RequestInputs.of(req, model.spec(), limits);
    } catch (GatewayException e) {
      reply(call, e);
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
      reply(call, e);
      return;
    }
    request
        .result()
        .onSuccess(result -> call.response().send(toResponse(req, served, result)))
        .onFailure(error -> reply(call, error));
    if (timeoutMs > 0) {
      long timer =
          vertx.setTimer(
              timeoutMs,
              id -> {
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
      ClassifyRequest req, ServedModel model, InferenceResult result) {
    ClassifyResponse.Builder out =
        ClassifyResponse.newBuilder()
            .setModel(model.name())
            .setVersion(result.version())
            .setRequestId(req.getRequestId())
            .setTiming(
                Timing.newBuilder()
                    .setQueueUs(result.queueMicros())
                    .setComputeUs(result.computeMicros())
                    .setBatchSize(result.batchSize()));
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

  /** Answers a call with the status of the error table (INTERNAL for anything unexpected). */
  public static void reply(GrpcServerRequest<?, ?> call, Throwable error) {
    GatewayException e =
        error instanceof GatewayException g
            ? g
            : new GatewayException(ErrorCode.INTERNAL, "internal error: " + error.getMessage());
    if (e.code() == ErrorCode.INTERNAL) {
      LOG.warn("internal error answered to a client", error);
    }
    try {
      call.response().status(e.code().grpcStatus()).statusMessage(e.getMessage()).end();
    } catch (RuntimeException closed) {
      LOG.debug("could not answer a call that is already closed: {}", closed.getMessage());
    }
  }

  private void listModels(GrpcServerRequest<ListModelsRequest, ListModelsResponse> call) {
    call.handler(
        req -> {
          ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
          for (ServedModel m : models.models()) {
            out.addModels(
                ModelInfo.newBuilder()
                    .setName(m.name())
                    .setVersion(m.version())
                    .setFamily(m.config().family())
                    .setVariant(m.config().variant())
                    .setState(m.state().name())
                    .addAllDevices(m.config().devices()));
          }
          for (PluginRegistry.CatalogEntry e : plugins.catalog()) {
            VariantInfo.Builder v =
                VariantInfo.newBuilder()
                    .setFamily(e.family())
                    .setVariant(e.variant().name())
                    .setParameters(e.variant().parameters())
                    .setNumClasses(e.variant().numClasses())
                    .setPreprocess(preprocess(e.variant().preprocess()))
                    .setInputNote(e.inputNote());
            e.variant().inputShape().forEach(v::addInputShape);
            out.addCatalog(v);
          }
          call.response().send(out.build());
        });
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
