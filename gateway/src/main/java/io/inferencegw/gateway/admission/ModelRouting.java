package io.inferencegw.gateway.admission;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputMemoryBudget;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.registry.ServedModel;

/**
 * Routing and admission shared by every front end (gRPC calls, WebSocket frame streams), so
 * that the same situation gets the same answer whichever way a request came in. Cheap and
 * non-blocking: meant for event loops.
 */
public final class ModelRouting {

  /** top_k when the client gives none. */
  public static final int DEFAULT_TOP_K = 5;

  private ModelRouting() {}

  /**
   * The served model a request names: NOT_FOUND for an unknown model or version, UNAVAILABLE
   * when it is not READY, INVALID_ARGUMENT when no model is named. An empty version means the
   * current one.
   */
  public static ServedModel route(ModelManager models, String name, String version) {
    if (name.isEmpty()) {
      throw GatewayException.invalid("request names no model");
    }
    ServedModel model =
        models
            .resolve(name, version)
            .orElseThrow(
                () ->
                    new GatewayException(
                        ErrorCode.NOT_FOUND,
                        version.isEmpty()
                            ? "model " + name + " is not served"
                            : "model " + name + " has no version " + version));
    if (model.state() != ModelState.READY) {
      throw new GatewayException(
          ErrorCode.UNAVAILABLE, "model " + name + " is " + model.state().name().toLowerCase());
    }
    return model;
  }

  /**
   * The top_k a request gets: 0 means {@link #DEFAULT_TOP_K}; capped at the class count. The
   * field is a protobuf uint32, which Java reads as a signed int: it is widened as unsigned, so
   * that 4,000,000,000 is a large request (capped) rather than a negative one.
   */
  public static int topK(int requested, ServedModel model) {
    long k = requested == 0 ? DEFAULT_TOP_K : Integer.toUnsignedLong(requested);
    return (int) Math.min(k, model.spec().numClasses());
  }

  /**
   * Offers a request to the model it was routed to. When that version closed between routing
   * and admission (a hot swap) and the client did not pin a version, the successor takes it.
   *
   * @return the model version whose queue admitted the request
   * @throws GatewayException RESOURCE_EXHAUSTED (queue full, or the gateway's input memory
   *     budget spent) or UNAVAILABLE (closing); the request itself is then not answered, the
   *     caller answers it
   */
  public static ServedModel admit(
      ModelManager models, ServedModel model, String pinnedVersion, InferenceRequest request) {
    // The input, and the preprocessed tensor it becomes, are held until the answer.
    long bytes = request.input().heapBytes()
        + (long) Float.BYTES * model.spec().channels() * model.spec().height()
            * model.spec().width();
    InputMemoryBudget budget = models.inputBudget();
    if (!budget.tryReserve(bytes)) {
      throw budget.exhausted(bytes);
    }
    try {
      ServedModel admitted = offer(models, model, pinnedVersion, request);
      request.result().onComplete(done -> budget.release(bytes));
      return admitted;
    } catch (RuntimeException e) {
      budget.release(bytes);
      throw e;
    }
  }

  private static ServedModel offer(
      ModelManager models, ServedModel model, String pinnedVersion, InferenceRequest request) {
    ModelQueue.Admission admission = model.queue().offer(request);
    if (admission == ModelQueue.Admission.CLOSED && pinnedVersion.isEmpty()) {
      ServedModel next = models.resolve(model.name(), "").orElse(null);
      if (next != null && next != model && next.spec().equals(model.spec())) {
        model = next;
        admission = model.queue().offer(request);
      }
    }
    if (admission != ModelQueue.Admission.ADMITTED) {
      throw model.queue().rejection(admission);
    }
    return model;
  }
}
