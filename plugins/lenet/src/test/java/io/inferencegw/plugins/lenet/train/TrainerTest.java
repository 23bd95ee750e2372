package io.inferencegw.plugins.lenet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugins.lenet.LenetFamily;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The training loop on a small synthetic, learnable data set (no Fashion-MNIST needed). */
class TrainerTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @BeforeAll
  static void oneThread() {
    torch.set_num_threads(1);
  }

  /** Class c is a bright 6x6 square at a class-specific place on a noisy dark background. */
  static FashionMnist synthetic(int count, long seed) {
    Random rnd = new Random(seed);
    byte[] pixels = new byte[count * 28 * 28];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      int label = i % 10;
      labels[i] = (byte) label;
      int top = 2 + (label / 5) * 12;
      int left = 1 + (label % 5) * 5;
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          boolean on = y >= top && y < top + 6 && x >= left && x < left + 6;
          pixels[i * 784 + y * 28 + x] = (byte) ((on ? 200 : 20) + rnd.nextInt(40));
        }
      }
    }
    return new FashionMnist(pixels, labels, count, 28, 28);
  }

  @Test
  void trainingLearnsASeparableProblem() {
    FashionMnist train = synthetic(640, 1);
    FashionMnist test = synthetic(200, 2);
    Trainer trainer = new Trainer(new Trainer.Settings(3, 32, 3e-3, true, 5), QUIET);
    Trainer.seed(5);
    try (ClassifierModule model = new LenetFamily().build("lenet5-relu")) {
      double before = Evaluation.accuracy(model, test, 100);
      Trainer.EpochResult result = trainer.train(model, train, test);
      assertEquals(3, result.epoch());
      assertTrue(result.testAccuracy() > 0.9, "test accuracy " + result.testAccuracy());
      assertTrue(result.testAccuracy() > before + 0.3, before + " -> " + result.testAccuracy());
      assertEquals(result.testAccuracy(), Evaluation.accuracy(model, test, 64), 1e-12);
      assertFalse(model.is_training(), "trained model is left in eval mode");
    }
  }

  @Test
  void sameSeedGivesTheSameWeightsAndAnotherSeedDoesNot() {
    FashionMnist data = synthetic(256, 3);
    float[] a = trainedWeights(data, 11);
    float[] b = trainedWeights(data, 11);
    float[] c = trainedWeights(data, 12);
    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, c));
  }

  @Test
  void cosineScheduleFallsFromTheInitialRateToZero() {
    Trainer cosine = new Trainer(new Trainer.Settings(1, 1, 0.002, true, 0), QUIET);
    assertEquals(0.002, cosine.learningRate(0, 100), 1e-15);
    assertEquals(0.001, cosine.learningRate(50, 100), 1e-15);
    assertTrue(cosine.learningRate(99, 100) < 1e-6);
    Trainer constant = new Trainer(new Trainer.Settings(1, 1, 0.002, false, 0), QUIET);
    assertEquals(0.002, constant.learningRate(99, 100), 0);
  }

  @Test
  void batchesAreNormalizedWithTheStatisticsOfThePreprocessSpec() {
    byte[] pixels = new byte[2 * 784];
    pixels[784] = (byte) 255; // image 1, pixel 0 white; everything else black
    FashionMnist data = new FashionMnist(pixels, new byte[] {3, 7}, 2, 28, 28);
    Batches batches = new Batches(data);
    try (PointerScope scope = new PointerScope()) {
      Tensor x = batches.images(new int[] {1, 0}, 0, 2);
      assertEquals(List.of(2L, 1L, 28L, 28L), shape(x));
      float mean = LenetFamily.FASHION_MNIST_MEAN;
      float std = LenetFamily.FASHION_MNIST_STD;
      FloatPointer p = x.contiguous().data_ptr_float();
      assertEquals((1 - mean) / std, p.get(0), 1e-6);
      assertEquals(-mean / std, p.get(1), 1e-6);
      assertEquals(-mean / std, p.get(784), 1e-6);
      Tensor y = batches.labels(new int[] {1, 0}, 0, 2);
      assertEquals(ScalarType.Long, y.scalar_type().intern());
      assertEquals(7, y.get(0).item_long());
      assertEquals(3, y.get(1).item_long());
    }
  }

  private static float[] trainedWeights(FashionMnist data, long seed) {
    Trainer.seed(seed);
    try (ClassifierModule model = new LenetFamily().build("lenet5");
        PointerScope scope = new PointerScope()) {
      new Trainer(new Trainer.Settings(1, 32, 1e-3, true, seed), QUIET).train(model, data, data);
      List<Float> all = new ArrayList<>();
      for (Tensor t : StateDict.of(model).values()) {
        Tensor c = t.contiguous();
        float[] values = new float[(int) c.numel()];
        c.data_ptr_float().get(values);
        for (float v : values) {
          all.add(v);
        }
      }
      float[] out = new float[all.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = all.get(i);
      }
      return out;
    }
  }

  private static List<Long> shape(Tensor t) {
    return java.util.Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
