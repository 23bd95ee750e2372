package io.inferencegw.plugins.lenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LenetFamilyTest extends FamilyContractTest {

  /** LeNet-5 for 28x28 input: 156 + 2,416 + 48,120 + 10,164 + 850. */
  static final long LENET5_PARAMETERS = 61_706;

  LenetFamilyTest() {
    super(new LenetFamily(), "lenet5");
  }

  // No library publishes LeNet-5; the count is the sum of the layer sizes of the paper's
  // network as restated for 28x28 input (above), and LenetPytorchParityTest checks it in torch.
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered("lenet5", LENET5_PARAMETERS, "lenet5-relu", LENET5_PARAMETERS);
  }

  @BeforeAll
  static void oneThread() {
    torch.set_num_threads(1);
  }

  @Test
  void everyVariantTakesOneGrayscale28x28ImageAndGivesTenLogits() {
    assertEquals("lenet", family().name());
    for (VariantSpec spec : family().variants()) {
      assertEquals(List.of(1, 28, 28), spec.inputShape(), spec.name());
      assertEquals(10, spec.numClasses(), spec.name());
    }
  }

  @Test
  void preprocessingIsTheNormalizationTrainingUsed() {
    PreprocessSpec p = family().requireVariant("lenet5").preprocess();
    assertEquals(PreprocessSpec.ColorMode.GRAYSCALE, p.color());
    assertEquals(28, p.resizeShorter());
    assertEquals(28, p.cropHeight());
    assertEquals(28, p.cropWidth());
    assertEquals(PreprocessSpec.Interpolation.BILINEAR, p.interpolation());
    assertEquals(0.2860f, p.mean()[0], 1e-6);
    assertEquals(0.3530f, p.std()[0], 1e-6);
    assertEquals(p, family().requireVariant("lenet5-relu").preprocess());
  }

  @Test
  void stateDictHasTorchKeysAndShapesInOrder() {
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    expected.put("conv1.weight", List.of(6L, 1L, 5L, 5L));
    expected.put("conv1.bias", List.of(6L));
    expected.put("conv2.weight", List.of(16L, 6L, 5L, 5L));
    expected.put("conv2.bias", List.of(16L));
    expected.put("conv3.weight", List.of(120L, 16L, 5L, 5L));
    expected.put("conv3.bias", List.of(120L));
    expected.put("fc1.weight", List.of(84L, 120L));
    expected.put("fc1.bias", List.of(84L));
    expected.put("fc2.weight", List.of(10L, 84L));
    expected.put("fc2.bias", List.of(10L));
    for (VariantSpec spec : family().variants()) {
      try (ClassifierModule model = family().build(spec.name());
          PointerScope scope = new PointerScope()) {
        assertEquals(expected, shapes(StateDict.of(model)), spec.name());
      }
    }
  }

  @Test
  void variantsDifferInActivationAndPoolingOnly() {
    // Same seed -> same initial weights (same shapes, same init order); the outputs must still
    // differ, which they only do if the config table's activation/pooling is applied.
    float[] sigmoid = logitsWithSeed("lenet5", 7);
    float[] relu = logitsWithSeed("lenet5-relu", 7);
    assertFalse(Arrays.equals(sigmoid, relu));
    assertTrue(Arrays.equals(sigmoid, logitsWithSeed("lenet5", 7)), "build is deterministic");
  }

  private float[] logitsWithSeed(String variant, long seed) {
    torch.manual_seed(seed);
    try (ClassifierModule model = family().build(variant);
        PointerScope scope = new PointerScope()) {
      model.eval();
      torch.manual_seed(seed + 1);
      Tensor input = torch.randn(2, 1, 28, 28);
      try (InferenceMode guard = new InferenceMode()) {
        return TestTensors.toFloats(model.forward(input));
      }
    }
  }

  static Map<String, List<Long>> shapes(Map<String, Tensor> tensors) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    tensors.forEach((k, t) -> out.put(k, shape(t)));
    return out;
  }

  static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
