package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.Precision;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Replicas in bf16: the network is converted at warm-up and answers as in fp32, unless its
 * answers on the probe images disagree with fp32's more than the configured bound allows.
 *
 * <p>The runners here are built directly, not through {@link ReplicaBuilder}, so they run bf16
 * (emulated) also on a CPU that the gateway would refuse it on: what is tested is the execution
 * and the agreement check, which do not depend on the CPU's instructions.
 */
class BatchRunnerPrecisionTest {

  private static final VariantSpec SPEC = new VariantSpec("tiny", 3, 16, 16, 10,
      PreprocessSpec.imagenet(16, 16, PreprocessSpec.Interpolation.BILINEAR));
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  /**
   * A linear classifier whose classes all start from a logit of 256 and differ by hundredths:
   * in fp32 the input decides the class, in bf16 (8 significant bits: steps of 2 at 256) every
   * logit rounds to 256 and the classes tie. A network bf16 cannot serve.
   */
  static final class LargeOffsetNet extends ClassifierModule {
    private final LinearImpl fc = register_module("fc", Layers.linear(3 * 16 * 16, 10));

    LargeOffsetNet() {
      torch.manual_seed(11);
      try (PointerScope scope = new PointerScope()) {
        fc.weight().set_data(torch.randn(10, 3 * 16 * 16).mul(new Scalar(1e-3)));
        fc.bias().set_data(torch.full(new long[] {10}, new Scalar(256.0)));
      }
    }

    @Override
    public Tensor forward(Tensor input) {
      return fc.forward(input.reshape(input.size(0), -1));
    }
  }

  @Test
  void aBf16ReplicaConvertsItsWeightsAndAnswersAsFp32Does() throws Exception {
    List<float[]> inputs = randomInputs(4);
    for (boolean channelsLast : new boolean[] {false, true}) {
      BatchRunnerLayoutTest.TinyConvNet bf16Net = BatchRunnerLayoutTest.TinyConvNet.create(false);
      try (BatchRunner fp32 = runner(BatchRunnerLayoutTest.TinyConvNet.create(false),
              channelsLast, Precision.FP32, 0.9);
          BatchRunner bf16 = runner(bf16Net, channelsLast, Precision.BF16, 0.9)) {
        assertEquals(ScalarType.BFloat16.value, bf16Net.parameters().get(0).scalar_type().value,
            "weights converted");
        Answers expected = answers(fp32, inputs);
        Answers served = answers(bf16, inputs);
        for (int i = 0; i < inputs.size(); i++) {
          assertEquals(expected.top1[i], served.top1[i], "top-1 of input " + i);
          float scale = 1 + maxAbs(expected.logits[i]);
          for (int c = 0; c < 10; c++) {
            // bf16 keeps 8 significant bits: a few hundredths of the largest logit
            assertEquals(expected.logits[i][c], served.logits[i][c], 0.05f * scale,
                "logit " + c + " of input " + i + ", channels-last " + channelsLast);
          }
        }
      }
    }
  }

  @Test
  void aNetworkWhoseAnswersBf16CannotKeepIsRefusedAtWarmUp() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> runner(new LargeOffsetNet(), false, Precision.BF16, 0.9).close());
    String message = e.getMessage();
    assertTrue(message.contains("model tiny v1: precision bf16 refused"), message);
    assertTrue(message.contains("top-1 agrees with fp32 on"), message);
    assertTrue(message.contains("of 16 probe images"), message);
    assertTrue(message.contains("below precision_min_top1_agreement 0.9"), message);
    assertTrue(message.contains("use precision fp32"), message);
  }

  @Test
  void theBoundDecidesWhetherTheSameNetworkIsRefused() throws Exception {
    // Accepting any agreement, the network loads and serves, with bf16's tied answers.
    try (BatchRunner runner = runner(new LargeOffsetNet(), false, Precision.BF16, 0.0)) {
      Answers served = answers(runner, randomInputs(3));
      assertEquals(3, served.top1.length);
    }
    // And in fp32 it answers by the input, which is why bf16 was refused above.
    try (BatchRunner runner = runner(new LargeOffsetNet(), false, Precision.FP32, 0.9)) {
      Answers served = answers(runner, randomInputs(8));
      assertTrue(java.util.Arrays.stream(served.top1).distinct().count() > 1,
          "fp32 top-1 classes differ between inputs");
    }
  }

  @Test
  void agreementCountsTop1AndTheSetOfTop5() {
    try (PointerScope scope = new PointerScope()) {
      Tensor reference = torch.tensor(new float[] {
          9, 8, 7, 6, 5, 0, 0,
          9, 8, 7, 6, 5, 0, 0,
          9, 8, 7, 6, 5, 0, 0}).reshape(3, 7);
      Tensor reduced = torch.tensor(new float[] {
          9, 8, 7, 6, 5, 0, 0,   // same
          8, 9, 5, 6, 7, 0, 0,   // top-1 differs, same five classes
          9, 8, 7, 6, 0, 5, 0}).reshape(3, 7); // same top-1, fifth class differs
      ProbeAgreement a = ProbeAgreement.of(reference, reduced);
      assertEquals(3, a.images());
      assertEquals(2, a.sameTop1());
      assertEquals(2, a.sameTop5());
    }
  }

  private static BatchRunner runner(ClassifierModule network, boolean channelsLast,
      Precision precision, double bound) {
    BatchRunner runner = new BatchRunner("tiny", "1", SPEC, BuiltNetwork.of(network), "cpu",
        new ModelInputPreparer(SPEC, InputLimits.DEFAULT), channelsLast,
        new ReplicaPrecision("tiny", "1", precision, bound));
    try {
      runner.warmUp();
      return runner;
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
  }

  private record Answers(int[] top1, float[][] logits) {}

  private static List<float[]> randomInputs(int n) {
    Random random = new Random(42);
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[3 * 16 * 16];
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) random.nextGaussian();
      }
      out.add(x);
    }
    return out;
  }

  private static float maxAbs(float[] values) {
    float m = 0;
    for (float v : values) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** One batch with every input, through {@link BatchRunner#run}. */
  private static Answers answers(BatchRunner runner, List<float[]> inputs) throws Exception {
    List<InferenceRequest> batch = new ArrayList<>();
    for (float[] x : inputs) {
      ByteBuffer data = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : x) {
        data.putFloat(v);
      }
      batch.add(new InferenceRequest(
          new ModelInput.PreprocessedTensor(List.of(3L, 16L, 16L), data.array()), 1, true,
          Long.MAX_VALUE, VERTX.getOrCreateContext()));
    }
    runner.run(batch);
    int[] top1 = new int[inputs.size()];
    float[][] logits = new float[inputs.size()][];
    for (int i = 0; i < batch.size(); i++) {
      InferenceResult r = batch.get(i).result().await(10, TimeUnit.SECONDS);
      top1[i] = r.indices()[0];
      logits[i] = r.logits();
    }
    return new Answers(top1, logits);
  }
}
