package io.inferencegw.plugins.lenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ReducedPrecision;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import io.inferencegw.plugin.api.weights.WeightLoader;
import io.inferencegw.plugins.lenet.train.Evaluation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * The shipped LeNet weights served in bf16 (converted as the gateway converts them, emulated
 * where the CPU has no bf16 instructions): Fashion-MNIST test accuracy stays at 89.5% or more.
 */
class ShippedWeightsInBf16Test {

  /** The least accuracy accepted in bf16. */
  static final double MINIMUM = 0.895;

  /**
   * The gateway's default model (the sigmoid {@code lenet5} weights reach 0.9016 in bf16 against
   * 0.9017 in fp32; left out to keep the suite short).
   */
  @Test
  void theDefaultModelKeepsAFashionMnistAccuracyOf89point5PercentInBf16() throws IOException {
    Path dir = FashionMnist.defaultDir();
    Prerequisites.require(FashionMnist.isInstalled(dir), "Fashion-MNIST in " + dir
        + ", to check the accuracy", "dataset-fashion-mnist");
    FashionMnist testSet = FashionMnist.test(dir);
    torch.set_num_threads(1);
    Path path = ShippedWeights.defaultModel();
    double fp32;
    try (SafetensorsReader reader = SafetensorsReader.open(path)) {
      fp32 = Double.parseDouble(reader.metadata().get("test_accuracy"));
    }
    try (ClassifierModule model = new LenetFamily().build("lenet5-relu")) {
      WeightLoader.loadStrict(model, path);
      ReducedPrecision.convert(model, ScalarType.BFloat16);
      assertEquals(ScalarType.BFloat16.value, model.parameters().get(0).scalar_type().value);
      double bf16 = Evaluation.accuracy(model, testSet, 1000,
          x -> ReducedPrecision.forward(model, x, ScalarType.BFloat16));
      System.out.printf(Locale.ROOT, "LENET-BF16 %s: fp32 %.4f (recorded), bf16 %.4f%n",
          path.getFileName(), fp32, bf16);
      assertTrue(bf16 >= MINIMUM, path + ": bf16 accuracy " + bf16 + " < " + MINIMUM
          + " (fp32: " + fp32 + ")");
    }
  }
}
