package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.management.ManagementAccess;
import io.inferencegw.gateway.management.ModelRepositoryActions;
import io.inferencegw.gateway.management.RepositoryRefusal;
import io.inferencegw.gateway.registry.ModelStatus;
import io.inferencegw.proto.oip.ModelRepositoryParameter;
import io.inferencegw.proto.oip.RepositoryIndexRequest;
import io.inferencegw.proto.oip.RepositoryIndexResponse;
import io.inferencegw.proto.oip.RepositoryModelLoadRequest;
import io.inferencegw.proto.oip.RepositoryModelLoadResponse;
import io.inferencegw.proto.oip.RepositoryModelUnloadRequest;
import io.inferencegw.proto.oip.RepositoryModelUnloadResponse;
import io.vertx.core.Future;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triton's model repository extension over gRPC ({@code RepositoryIndex},
 * {@code RepositoryModelLoad}, {@code RepositoryModelUnload} of
 * {@code inference.GRPCInferenceService}): the REST repository API's actions and access rules,
 * with the caller's {@code authorization} metadata in place of the HTTP header.
 */
final class RepositoryRpcs {

  private static final Logger LOG = LoggerFactory.getLogger(RepositoryRpcs.class);

  private final ManagementAccess access;
  private final ModelRepositoryActions actions;

  RepositoryRpcs(ManagementAccess access, ModelRepositoryActions actions) {
    this.access = access;
    this.actions = actions;
  }

  void index(GrpcServerRequest<RepositoryIndexRequest, RepositoryIndexResponse> call) {
    guarded(call, req -> {
      RepositoryIndexResponse.Builder out = RepositoryIndexResponse.newBuilder();
      for (ModelStatus s : actions.index(req.getReady())) {
        out.addModels(RepositoryIndexResponse.ModelIndex.newBuilder()
            .setName(s.name()).setVersion(s.version()).setState(s.state().name())
            .setReason(s.reason() == null ? "" : s.reason()));
      }
      return Future.succeededFuture(out.build());
    });
  }

  void load(GrpcServerRequest<RepositoryModelLoadRequest, RepositoryModelLoadResponse> call) {
    guarded(call, req -> actions.load(req.getModelName(), request(req.getParametersMap()))
        .map(m -> RepositoryModelLoadResponse.getDefaultInstance()));
  }

  void unload(
      GrpcServerRequest<RepositoryModelUnloadRequest, RepositoryModelUnloadResponse> call) {
    guarded(call, req -> actions.unload(req.getModelName(), request(req.getParametersMap()))
        .map(v -> RepositoryModelUnloadResponse.getDefaultInstance()));
  }

  /** Checks the caller, then answers with the action's result or its refusal's status. */
  private <Q, R> void guarded(GrpcServerRequest<Q, R> call, Function<Q, Future<R>> action) {
    call.handler(req -> {
      Future<R> outcome;
      try {
        access.check(call.connection().remoteAddress().hostAddress(),
            call.headers().get("authorization"));
        outcome = action.apply(req);
      } catch (RepositoryRefusal e) {
        outcome = Future.failedFuture(e);
      }
      outcome.onSuccess(r -> call.response().send(r)).onFailure(e -> {
        RepositoryRefusal refusal = RepositoryRefusal.of(e);
        if (refusal.kind() == RepositoryRefusal.Kind.INTERNAL) {
          LOG.warn("repository call failed", e);
        }
        call.response().status(refusal.kind().grpcStatus()).statusMessage(refusal.getMessage())
            .end();
      });
    });
  }

  /** Parameters as the REST body's {@code parameters} object would hold them. */
  private static Map<String, Object> request(Map<String, ModelRepositoryParameter> parameters) {
    if (parameters.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> plain = new LinkedHashMap<>();
    parameters.forEach((k, p) -> plain.put(k, switch (p.getParameterChoiceCase()) {
      case BOOL_PARAM -> p.getBoolParam();
      case INT64_PARAM -> p.getInt64Param();
      case STRING_PARAM -> p.getStringParam();
      case BYTES_PARAM -> p.getBytesParam().toByteArray();
      case PARAMETERCHOICE_NOT_SET -> "";
    }));
    return Map.of("parameters", plain);
  }
}
