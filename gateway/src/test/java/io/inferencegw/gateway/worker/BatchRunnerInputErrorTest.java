package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.VariantSpec;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An Error while one request's input is prepared (a decoding library allocating what a
 * malformed header claims) fails that request with INTERNAL; the rest of the batch is computed
 * and answered, and the runner keeps running batches.
 */
class BatchRunnerInputErrorTest {

  private static final VariantSpec SPEC = new VariantSpec("tiny", 3, 16, 16, 10,
      PreprocessSpec.imagenet(16, 16, PreprocessSpec.Interpolation.BILINEAR));
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  @Test
  void anErrorPreparingOneInputFailsOnlyThatRequest() throws Exception {
    ModelInputPreparer real = new ModelInputPreparer(SPEC, InputLimits.DEFAULT);
    List<Supplier<Error>> errors = List.of(
        () -> new OutOfMemoryError("Requested array size exceeds VM limit"),
        StackOverflowError::new);
    for (Supplier<Error> error : errors) {
      List<InferenceRequest> batch = List.of(request(), request(), request());
      ModelInput poisoned = batch.get(1).input();
      try (BatchRunner runner = new BatchRunner("tiny", "1", SPEC,
          BatchRunnerLayoutTest.TinyConvNet.create(false), "cpu",
          input -> {
            if (input == poisoned) {
              throw error.get();
            }
            return real.prepare(input);
          },
          false)) {
        runner.warmUp();

        runner.run(batch);

        assertEquals(2, batch.get(0).result().await(10, TimeUnit.SECONDS).batchSize());
        assertEquals(2, batch.get(2).result().await(10, TimeUnit.SECONDS).batchSize());
        Exception failed = assertThrows(Exception.class,
            () -> batch.get(1).result().await(10, TimeUnit.SECONDS));
        GatewayException e = assertInstanceOf(GatewayException.class, failed);
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertTrue(e.getMessage().contains("the input could not be prepared (internal error: "
            + error.get().getClass().getSimpleName() + ")"), e.getMessage());
        // The runner is still usable: the next batch is answered.
        List<InferenceRequest> next = List.of(request());
        runner.run(next);
        assertEquals(1, next.get(0).result().await(10, TimeUnit.SECONDS).batchSize());
      }
    }
  }

  private static InferenceRequest request() {
    return new InferenceRequest(
        new ModelInput.PreprocessedTensor(List.of(3L, 16L, 16L), new byte[3 * 16 * 16 * 4]), 3,
        false, Long.MAX_VALUE, VERTX.getOrCreateContext());
  }
}
