package io.inferencegw.gateway.batching;

/**
 * Prepares request inputs (decoding, preprocessing) off the device worker, while the request
 * already holds its place in its model's queue. A request whose input is being prepared is
 * queued but not ready: batches are formed from ready requests only, so a heavy decode never
 * holds up the requests admitted after it, and the worker computes while the next inputs are
 * decoded.
 */
public interface InputStage {

  /** Whether this request's input must be prepared before it can join a batch. */
  boolean needsPreparation(InferenceRequest request);

  /**
   * Whether an idle worker may prepare this request's input itself, as part of its batch: a
   * small image, whose decoding costs less than the two thread hand-offs (to the input stage
   * and back to the worker) it would otherwise take.
   */
  default boolean cheapOnWorker(InferenceRequest request) {
    return false;
  }

  /**
   * Starts preparing a request that {@code queue} has just admitted. When done, on any thread,
   * it calls {@link ModelQueue#inputPrepared} or {@link ModelQueue#inputFailed}.
   */
  void prepare(InferenceRequest request, ModelQueue queue);

  /** No stage: every input is prepared by the worker, as part of its batch. */
  InputStage NONE = new InputStage() {
    @Override
    public boolean needsPreparation(InferenceRequest request) {
      return false;
    }

    @Override
    public void prepare(InferenceRequest request, ModelQueue queue) {
      throw new IllegalStateException("no input stage");
    }
  };
}
