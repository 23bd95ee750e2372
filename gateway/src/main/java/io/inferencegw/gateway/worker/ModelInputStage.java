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

  /**
   * Images up to 64x64 pixels and 16 KiB (a 28x28 PNG decodes in tens of microseconds): an idle
   * worker decodes them itself instead of waiting for two thread hand-offs. Both bounds count:
   * the bytes bound what a crafted file (a progressive JPEG of many scans) can make a decoder
   * do for few pixels, so that a request decoded on the worker holds it up for a bounded time.
   */
  static final long CHEAP_ON_WORKER_PIXELS = 64 * 64;
  static final int CHEAP_ON_WORKER_BYTES = 16 * 1024;

  @Override
  public boolean cheapOnWorker(InferenceRequest request) {
    if (request.input() instanceof ModelInput.EncodedImage e
        && e.bytes().length > CHEAP_ON_WORKER_BYTES) {
      return false;
    }
    long pixels = declaredPixels(request.input());
    return pixels >= 0 && pixels <= CHEAP_ON_WORKER_PIXELS;
  }

  /** Width x height as the input declares it, before decoding; negative when unknown. */
  private static long declaredPixels(ModelInput input) {
    return input instanceof ModelInput.EncodedImage e
        ? ImageDecoder.declaredPixels(e.bytes())
        : ((ModelInput.RawPixels) input).image().pixelCount();
  }

  @Override
  public void prepare(InferenceRequest request, ModelQueue queue) {
    long pixels = declaredPixels(request.input());
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
