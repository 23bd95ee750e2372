package io.inferencegw.gateway.observability;

import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.core.ErrorCode;

/**
 * One answered request, as metrics and the access log see it. Front ends make one with
 * {@link #ok} or {@link #failed} when they answer, and give it to {@link RequestRecorder}.
 *
 * @param epochMillis when it was answered
 * @param model the served model it was routed to; when {@code routed} is false, the name the
 *     request gave (possibly empty or unknown), which only the access log shows
 * @param routed whether a served model was found: metrics label unrouted requests with an empty
 *     model and version, so that clients cannot make up label values
 * @param error why it failed, or null when it got a result
 * @param queueMicros time queued before compute, or -1 when it never reached a batch
 * @param computeMicros time its batch computed, or -1 when it never reached a batch
 * @param totalNanos from arrival of the request message to the answer
 */
public record CompletedRequest(
    long epochMillis, Api api, String requestId, String model, String version, boolean routed,
    ErrorCode error, long queueMicros, long computeMicros, long totalNanos) {

  /** The longest model name the access log repeats from a request. */
  static final int MAX_LOGGED_NAME = 256;

  public CompletedRequest {
    if (model.length() > MAX_LOGGED_NAME) {
      model = model.substring(0, MAX_LOGGED_NAME);
    }
    if (version.length() > MAX_LOGGED_NAME) {
      version = version.substring(0, MAX_LOGGED_NAME);
    }
  }

  /** A request answered with a result of the served model version {@code model/version}. */
  public static CompletedRequest ok(Api api, String requestId, String model, long startNanos,
      InferenceResult result) {
    return new CompletedRequest(System.currentTimeMillis(), api, requestId, model,
        result.version(), true, null, result.queueMicros(), result.computeMicros(),
        System.nanoTime() - startNanos);
  }

  /**
   * A request answered with an error.
   *
   * @param routed whether {@code model} and {@code version} are those of a served model
   */
  public static CompletedRequest failed(Api api, String requestId, String model, String version,
      boolean routed, long startNanos, ErrorCode error) {
    return new CompletedRequest(System.currentTimeMillis(), api, requestId, model, version,
        routed, error, -1, -1, System.nanoTime() - startNanos);
  }

  /** The {@code outcome} label: {@code ok}, or the error code in lower case. */
  public String outcome() {
    return error == null ? "ok" : error.label();
  }

  /** Whether it reached a batch, so that it has queue and compute times. */
  public boolean computed() {
    return queueMicros >= 0;
  }
}
