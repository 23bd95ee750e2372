package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.observability.Api;
import io.inferencegw.gateway.observability.CompletedRequest;
import io.inferencegw.gateway.observability.RequestIds;
import io.inferencegw.gateway.observability.RequestRecorder;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ServedModel;
import io.vertx.core.AsyncResult;
import java.util.Optional;

/**
 * Reports each answered Open Inference Protocol infer request to the metrics and the access
 * log, once per request (not per sample), for both transports.
 */
final class OipRequests {

  private final RequestRecorder recorder;
  private final ModelManager models;

  OipRequests(RequestRecorder recorder, ModelManager models) {
    this.recorder = recorder;
    this.models = models;
  }

  /**
   * @param requestId the request's OIP {@code id}, or empty
   * @param model the model (and version, empty for the current one) the request names
   * @param header the {@code x-request-id} header, or null
   * @param outcome the answer, or why there is none
   */
  void record(Api api, String requestId, String model, String version, String header,
      long startNanos, AsyncResult<SplitInference.Answer> outcome) {
    String id = requestId(requestId, header);
    if (outcome.succeeded()) {
      SplitInference.Answer answer = outcome.result();
      recorder.record(
          CompletedRequest.ok(api, id, answer.modelName(), startNanos, answer.timing()));
      return;
    }
    ErrorCode code = outcome.cause() instanceof GatewayException e ? e.code() : ErrorCode.INTERNAL;
    // Labels name a served model only: a name a client made up is not a label value.
    Optional<ServedModel> served = models.resolve(model, version);
    recorder.record(served.isPresent()
        ? CompletedRequest.failed(api, id, served.get().name(), served.get().version(), true,
            startNanos, code)
        : CompletedRequest.failed(api, id, model, version, false, startNanos, code));
  }

  /** The OIP {@code id}, else the header; any string is a valid OIP id, so a bad one is replaced. */
  private static String requestId(String id, String header) {
    try {
      return RequestIds.resolve(id, header);
    } catch (GatewayException e) {
      return RequestIds.generate();
    }
  }
}
