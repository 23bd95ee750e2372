package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.Layers;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * When the forward pass throws, the batch runner finds the request that makes it fail by running
 * halves of the batch again: only that request gets INTERNAL, the others get the answers they
 * would have got alone. A sample whose own input fails is answered alone too, and a failure
 * that is not the client's is INTERNAL, not INVALID_ARGUMENT.
 */
class BatchRunnerIsolationTest {

  private static final VariantSpec SPEC = new VariantSpec("poisonable", 3, 4, 4, 3,
      PreprocessSpec.imagenet(4, 4, PreprocessSpec.Interpolation.BILINEAR));
  private static final Vertx VERTX = Vertx.vertx();
  private static final float POISON = 1234.5f;

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  /** A linear layer that throws, as a network bug would, when an input holds {@link #POISON}. */
  static final class PoisonableNet extends ClassifierModule {
    private final LinearImpl fc = register_module("fc", Layers.linear(48, 3));
    int forwardPasses;

    static PoisonableNet create() {
      torch.manual_seed(3);
      return new PoisonableNet();
    }

    @Override
    public Tensor forward(Tensor input) {
      forwardPasses++;
      if (input.eq(new Scalar(POISON)).any().item_bool()) {
        throw new IllegalStateException("kernel failure on this input");
      }
      return fc.forward(input.reshape(input.size(0), -1));
    }
  }

  private static InferenceRequest request(float first) {
    ByteBuffer data = ByteBuffer.allocate(48 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 48; i++) {
      data.putFloat(i == 0 ? first : i / 48f);
    }
    return new InferenceRequest(
        new ModelInput.PreprocessedTensor(List.of(3L, 4L, 4L), data.array()), 3, true,
        Long.MAX_VALUE, VERTX.getOrCreateContext());
  }

  private static BatchRunner runner(PoisonableNet net) {
    BatchRunner runner = new BatchRunner("poisonable", "1", SPEC, net, "cpu",
        new ModelInputPreparer(SPEC, InputLimits.DEFAULT), false);
    runner.warmUp();
    return runner;
  }

  @Test
  void aRequestThatBreaksTheNetworkFailsAloneAndTheOthersGetTheirAnswers() throws Exception {
    PoisonableNet net = PoisonableNet.create();
    try (BatchRunner runner = runner(net)) {
      assertOnlyThePoisonedRequestFails(net, runner);
    }
  }

  private static void assertOnlyThePoisonedRequestFails(PoisonableNet net, BatchRunner runner)
      throws Exception {
    List<InferenceRequest> batch = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      batch.add(request(i == 11 ? POISON : i));
    }
    int before = net.forwardPasses;
    runner.run(batch);
    for (int i = 0; i < 16; i++) {
      if (i == 11) {
        GatewayException e = failureOf(batch.get(i));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertTrue(e.getMessage().contains("model poisonable failed"), e.getMessage());
        continue;
      }
      InferenceRequest alone = request(i);
      runner.run(List.of(alone));
      assertArrayEquals(alone.result().await(10, TimeUnit.SECONDS).logits(),
          batch.get(i).result().await(10, TimeUnit.SECONDS).logits(), 1e-5f,
          "request " + i + " got the answer it gets alone");
    }
    // 16 -> 8 -> 4 -> 2 -> 1: the whole batch, then two halves per level down to the culprit
    assertEquals(1 + 2 * 4, net.forwardPasses - before - 15, "forward passes to isolate it");
  }

  @Test
  void aSampleWhoseInputFailsIsAnsweredAloneAndOursIsInternal() throws Exception {
    try (BatchRunner runner = runner(PoisonableNet.create())) {
      assertEachBadSampleIsAnsweredAlone(runner);
    }
  }

  private static void assertEachBadSampleIsAnsweredAlone(BatchRunner runner) throws Exception {
    InferenceRequest good = request(0.25f);
    InferenceRequest nan = request(Float.NaN);
    // an input of a kind this preparer cannot read: our fault, not the client's
    InferenceRequest broken = new InferenceRequest(
        new ModelInput.RawPixels(null), 3, false, Long.MAX_VALUE, VERTX.getOrCreateContext());
    runner.run(List.of(good, nan, broken));
    assertEquals(1, good.result().await(10, TimeUnit.SECONDS).batchSize());
    assertEquals(ErrorCode.INVALID_ARGUMENT, failureOf(nan).code());
    GatewayException internal = failureOf(broken);
    assertEquals(ErrorCode.INTERNAL, internal.code());
    assertTrue(internal.getMessage().contains("internal error"), internal.getMessage());
  }

  private static GatewayException failureOf(InferenceRequest r) {
    return assertThrows(GatewayException.class, () -> r.result().await(10, TimeUnit.SECONDS));
  }
}
