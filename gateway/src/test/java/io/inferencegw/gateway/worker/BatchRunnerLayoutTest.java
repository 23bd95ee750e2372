package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
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
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The channels-last choice of a CPU replica: a network indifferent to the layout runs
 * channels-last and answers as in the default layout; one whose code depends on the layout is
 * detected at warm-up and keeps the default layout.
 */
class BatchRunnerLayoutTest {

  private static final VariantSpec SPEC = new VariantSpec("tiny", 3, 16, 16, 10,
      PreprocessSpec.imagenet(16, 16, PreprocessSpec.Interpolation.BILINEAR));
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  /** conv 3x3 -> relu -> flatten -> linear: flatten by {@code view} only if asked to. */
  static final class TinyConvNet extends ClassifierModule {
    private final Conv2dImpl conv = register_module("conv", Layers.conv2d(3, 4, 3, 1, 1));
    private final LinearImpl fc = register_module("fc", Layers.linear(4 * 16 * 16, 10));
    private final boolean flattenWithView;

    private TinyConvNet(boolean flattenWithView) {
      this.flattenWithView = flattenWithView;
    }

    /** The same weights every time (LibTorch's default initialisation, seeded). */
    static TinyConvNet create(boolean flattenWithView) {
      torch.manual_seed(7);
      return new TinyConvNet(flattenWithView);
    }

    @Override
    public Tensor forward(Tensor input) {
      Tensor x = conv.forward(input).relu();
      // view() needs the default layout; reshape() works in any
      Tensor flat = flattenWithView ? x.view(x.size(0), -1) : x.reshape(x.size(0), -1);
      return fc.forward(flat);
    }
  }

  @Test
  void aLayoutIndifferentNetworkRunsChannelsLastWithTheSameAnswers() throws Exception {
    List<float[]> inputs = randomInputs(3);
    try (BatchRunner plain = runner(TinyConvNet.create(false), false);
        BatchRunner fast = runner(TinyConvNet.create(false), true)) {
      assertTrue(fast.channelsLast());
      float[][] expected = logits(plain, inputs);
      float[][] channelsLast = logits(fast, inputs);
      for (int i = 0; i < inputs.size(); i++) {
        assertArrayEquals(expected[i], channelsLast[i], 1e-5f);
      }
    }
  }

  @Test
  void aNetworkThatDependsOnTheLayoutKeepsTheDefaultOneAndStillAnswers() throws Exception {
    List<float[]> inputs = randomInputs(2);
    try (BatchRunner plain = runner(TinyConvNet.create(false), false);
        BatchRunner runner = runner(TinyConvNet.create(true), true)) {
      assertFalse(runner.channelsLast());
      float[][] expected = logits(plain, inputs);
      float[][] served = logits(runner, inputs);
      for (int i = 0; i < inputs.size(); i++) {
        assertArrayEquals(expected[i], served[i], 1e-5f);
      }
    }
  }

  @Test
  void withoutTheOptionAReplicaKeepsTheDefaultLayout() {
    try (BatchRunner runner = runner(TinyConvNet.create(false), false)) {
      assertFalse(runner.channelsLast());
    }
  }

  /** A warmed-up runner, which the caller closes (closing it frees the network). */
  private static BatchRunner runner(ClassifierModule network, boolean channelsLast) {
    BatchRunner runner = new BatchRunner("tiny", "1", SPEC, network, "cpu",
        new ModelInputPreparer(SPEC, io.inferencegw.gateway.core.InputLimits.DEFAULT),
        channelsLast);
    try {
      runner.warmUp();
      return runner;
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
  }

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

  /** One batch with every input, through {@link BatchRunner#run}; the logits of each. */
  private static float[][] logits(BatchRunner runner, List<float[]> inputs) throws Exception {
    List<InferenceRequest> batch = new ArrayList<>();
    for (float[] x : inputs) {
      ByteBuffer data = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : x) {
        data.putFloat(v);
      }
      batch.add(new InferenceRequest(
          new ModelInput.PreprocessedTensor(List.of(3L, 16L, 16L), data.array()), 3, true,
          Long.MAX_VALUE, VERTX.getOrCreateContext()));
    }
    runner.run(batch);
    float[][] out = new float[inputs.size()][];
    for (int i = 0; i < batch.size(); i++) {
      InferenceResult r = batch.get(i).result().await(10, TimeUnit.SECONDS);
      assertEquals(inputs.size(), r.batchSize());
      out[i] = r.logits();
    }
    return out;
  }
}
