package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InputStage;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.preprocess.ImageDecoder;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes and preprocesses one model's image inputs on the {@link PreprocessPool} while the
 * requests wait in the model's queue. Preprocessed tensors need no preparation: the worker
 * copies them into the batch directly.
 *
 * <p>A failure is the request's own: INVALID_ARGUMENT for input that is not a valid image
 * (the decoder says so), INTERNAL for anything else, which is a fault of ours, not the
 * client's.
 */
public final class ModelInputStage implements InputStage {

  private static final Logger LOG = LoggerFactory.getLogger(ModelInputStage.class);

  private final String model;
  private final ModelInputPreparer preparer;
  private final PreprocessPool pool;

  public ModelInputStage(String model, ModelInputPreparer preparer, PreprocessPool pool) {
    this.model = model;
    this.preparer = preparer;
    this.pool = pool;
  }

  @Override
  public boolean needsPreparation(InferenceRequest request) {
    return !(request.input() instanceof ModelInput.PreprocessedTensor);
  }

  @Override
  public void prepare(InferenceRequest request, ModelQueue queue) {
    long pixels = request.input() instanceof ModelInput.EncodedImage e
        ? ImageDecoder.declaredPixels(e.bytes())
        : ((ModelInput.RawPixels) request.input()).image().pixelCount();
    try {
      pool.laneFor(pixels).execute(() -> run(request, queue));
    } catch (RejectedExecutionException e) {
      queue.inputFailed(request,
          new GatewayException(ErrorCode.UNAVAILABLE, "model " + model + " is shutting down"));
    }
  }

  private void run(InferenceRequest request, ModelQueue queue) {
    // Answered meanwhile (deadline, cancel, unload): the work would be thrown away.
    if (!request.isQueued() || request.isExpired(System.nanoTime())) {
      return;
    }
    try {
      long start = System.nanoTime();
      float[] values = preparer.prepareValues(request.input());
      queue.inputPrepared(request, values, System.nanoTime() - start);
    } catch (GatewayException e) {
      queue.inputFailed(request, e);
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      queue.inputFailed(request, internalFailure(model, e));
    }
  }

  /**
   * The answer for an input whose preparation failed through no fault of the client's (logged
   * here with its cause): INTERNAL, naming the model and the kind of failure only.
   */
  static GatewayException internalFailure(String model, Throwable e) {
    LOG.error("model {}: preparing an input failed", model, e);
    return new GatewayException(ErrorCode.INTERNAL, "model " + model
        + ": the input could not be prepared (internal error: " + e.getClass().getSimpleName()
        + ")", e);
  }
}
