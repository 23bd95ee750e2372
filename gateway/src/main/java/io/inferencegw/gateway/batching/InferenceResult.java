package io.inferencegw.gateway.batching;

/**
 * The answer for one request of a batch.
 *
 * @param indices class indices of the top-k, by descending score
 * @param scores softmax probabilities of those classes
 * @param logits all logits, or null when the client did not ask for them
 * @param queueMicros time from admission until the batch started
 * @param computeMicros time the batch spent in preprocessing and the network
 * @param batchSize requests that shared the forward pass
 * @param version version of the model that computed it
 * @param stages where the request's time went, stage by stage
 */
public record InferenceResult(
    int[] indices,
    float[] scores,
    float[] logits,
    long queueMicros,
    long computeMicros,
    int batchSize,
    String version,
    Stages stages) {

  /**
   * The stages of one request, in microseconds.
   *
   * @param prepareMicros decoding and preprocessing on the input pool (0 when the input needed
   *     none, or the worker prepared it within its batch)
   * @param batchWaitMicros from ready (input prepared) until its batch started
   * @param forwardMicros the network's forward pass of its batch, with softmax and top-k
   */
  public record Stages(long prepareMicros, long batchWaitMicros, long forwardMicros) {
    public static final Stages NONE = new Stages(0, 0, 0);
  }

  /** A result without stage times (tests, and answers computed outside a batch runner). */
  public InferenceResult(int[] indices, float[] scores, float[] logits, long queueMicros,
      long computeMicros, int batchSize, String version) {
    this(indices, scores, logits, queueMicros, computeMicros, batchSize, version, Stages.NONE);
  }
}
