package io.inferencegw.gateway.batching;

import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.ModelInput;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One admitted request on its way through a model queue to a device worker.
 *
 * <p>Every admitted request gets exactly one answer. Several parties may try to answer it (the
 * worker with a result, a deadline timer, a client cancel, an unload), so the state moves with
 * compare-and-set and only the first transition to DONE wins. Answers are delivered on the
 * event-loop context the request came from.
 */
public final class InferenceRequest {

  enum State {
    QUEUED,
    RUNNING,
    DONE
  }

  private final ModelInput input;
  private final int topK;
  private final boolean returnLogits;
  private final long admittedNanos;
  private final long deadlineNanos;
  private final Context context;
  private final Promise<InferenceResult> promise = Promise.promise();
  private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
  /** Guarded by the lock of the queue holding the request: see {@link ModelQueue}. */
  private boolean inputReady;
  /** When the request became ready to join a batch; written under the queue's lock. */
  private volatile long readyNanos;
  private volatile float[] preparedInput;
  private volatile long prepareNanos;

  /**
   * @param deadlineNanos {@link System#nanoTime()} after which the result is useless, or
   *     {@link Long#MAX_VALUE} for none
   * @param context where the answer is delivered
   */
  public InferenceRequest(
      ModelInput input, int topK, boolean returnLogits, long deadlineNanos, Context context) {
    if (topK < 1) {
      throw new IllegalArgumentException("topK must be at least 1, got " + topK);
    }
    this.input = input;
    this.topK = topK;
    this.returnLogits = returnLogits;
    this.admittedNanos = System.nanoTime();
    this.deadlineNanos = deadlineNanos;
    this.context = context;
  }

  public ModelInput input() {
    return input;
  }

  /**
   * The network input [C, H, W] that the input stage prepared off the worker, or null when the
   * worker prepares the input itself (a preprocessed tensor, or no input stage).
   */
  public float[] preparedInput() {
    return preparedInput;
  }

  void inputPrepared(float[] values, long tookNanos) {
    preparedInput = values;
    prepareNanos = tookNanos;
  }

  /** How long the input stage took to decode and preprocess the input; 0 when it did not. */
  public long prepareNanos() {
    return prepareNanos;
  }

  boolean inputReady() {
    return inputReady;
  }

  void inputReady(boolean ready) {
    inputReady = ready;
    if (ready) {
      readyNanos = System.nanoTime();
    }
  }

  /** When the request became ready to join a batch (admitted, or its input prepared). */
  public long readyNanos() {
    return readyNanos;
  }

  public int topK() {
    return topK;
  }

  public boolean returnLogits() {
    return returnLogits;
  }

  public long admittedNanos() {
    return admittedNanos;
  }

  public long deadlineNanos() {
    return deadlineNanos;
  }

  public boolean hasDeadline() {
    return deadlineNanos != Long.MAX_VALUE;
  }

  public boolean isExpired(long nowNanos) {
    return nowNanos - deadlineNanos >= 0 && hasDeadline();
  }

  public Future<InferenceResult> result() {
    return promise.future();
  }

  public boolean isQueued() {
    return state.get() == State.QUEUED;
  }

  /** A worker claims the request for a batch; false when it was answered meanwhile. */
  boolean claimForBatch() {
    return state.compareAndSet(State.QUEUED, State.RUNNING);
  }

  /** Delivers the result, unless the request was already answered. */
  public boolean succeed(InferenceResult result) {
    if (state.getAndSet(State.DONE) == State.DONE) {
      return false;
    }
    context.runOnContext(v -> promise.complete(result));
    return true;
  }

  /** Answers with an error, unless the request was already answered. */
  public boolean fail(GatewayException error) {
    if (state.getAndSet(State.DONE) == State.DONE) {
      return false;
    }
    context.runOnContext(v -> promise.fail(error));
    return true;
  }

  public boolean fail(ErrorCode code, String message) {
    return fail(new GatewayException(code, message));
  }
}
