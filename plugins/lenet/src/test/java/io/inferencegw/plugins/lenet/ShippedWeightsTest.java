package io.inferencegw.plugins.lenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import io.inferencegw.plugin.api.weights.WeightLoader;
import io.inferencegw.plugins.lenet.train.Evaluation;
import io.inferencegw.plugin.api.data.FashionMnist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The trained weights in the repository load strictly and are as good as stated. */
class ShippedWeightsTest {

  private static FashionMnist testSet;

  @BeforeAll
  static void loadTestSet() throws IOException {
    torch.set_num_threads(1);
    Path dir = FashionMnist.defaultDir();
    testSet = FashionMnist.isInstalled(dir) ? FashionMnist.test(dir) : null;
  }

  /** Minimum test accuracy of each shipped file (the run that produced it reached more). */
  @ParameterizedTest(name = "{0} reaches {2}")
  @CsvSource({
    "weights/fashion-lenet5.safetensors,      lenet5,      0.90",
    "weights/fashion-lenet5-relu.safetensors, lenet5-relu, 0.90",
    "default-model,                           lenet5-relu, 0.90",
  })
  void shippedWeightsLoadStrictlyAndReachTheStatedAccuracy(
      String file, String variant, double minimum) throws IOException {
    Path path = file.equals("default-model")
        ? ShippedWeights.defaultModel()
        : ShippedWeights.weightsDir().resolve(file.substring("weights/".length()));
    assertTrue(Files.isRegularFile(path), path + " is missing");

    Map<String, String> metadata;
    try (SafetensorsReader reader = SafetensorsReader.open(path)) {
      metadata = reader.metadata();
    }
    // The gateway refuses to load a file into a family or variant other than these.
    assertEquals(LenetFamily.NAME, metadata.get("family"), "family recorded in " + path);
    assertEquals(variant, metadata.get("variant"), "variant recorded in " + path);
    double recorded = Double.parseDouble(metadata.get("test_accuracy"));
    assertTrue(recorded >= minimum, "recorded accuracy " + recorded + " < " + minimum);

    try (ClassifierModule model = new LenetFamily().build(variant)) {
      WeightLoader.loadStrict(model, path);
      assertEquals(LenetFamilyTest.LENET5_PARAMETERS, StateDict.parameterCount(model));
      Prerequisites.require(testSet != null, "Fashion-MNIST in " + FashionMnist.defaultDir()
          + ", to check the accuracy", "dataset-fashion-mnist");
      double accuracy = Evaluation.accuracy(model, testSet, 1000);
      assertTrue(accuracy >= minimum, path + ": test accuracy " + accuracy + " < " + minimum);
      // The evaluation reproduces what training recorded (4 decimals in the metadata).
      assertEquals(recorded, accuracy, 1e-4, "accuracy recorded in " + path);
    }
  }

  @Test
  void defaultLabelsAreTheTenFashionMnistClassesInLabelOrder() throws IOException {
    List<String> lines = Files.readAllLines(ShippedWeights.defaultLabels(), StandardCharsets.UTF_8);
    assertEquals(
        List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        lines);
    assertEquals(FashionMnist.LABELS, lines);
  }
}
