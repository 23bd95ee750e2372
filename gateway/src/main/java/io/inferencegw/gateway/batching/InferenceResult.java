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
 */
public record InferenceResult(
    int[] indices,
    float[] scores,
    float[] logits,
    long queueMicros,
    long computeMicros,
    int batchSize,
    String version) {}
