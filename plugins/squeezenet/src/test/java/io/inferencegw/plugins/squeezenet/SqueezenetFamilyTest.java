package io.inferencegw.plugins.squeezenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class SqueezenetFamilyTest extends FamilyContractTest {

  SqueezenetFamilyTest() {
    super(new SqueezenetFamily(), "squeezenet1_1");
  }

  // SqueezeNet1_*_Weights.IMAGENET1K_V1.meta["num_params"] in torchvision 0.14
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered("squeezenet1_0", 1_248_424L, "squeezenet1_1", 1_235_496L);
  }

  @Test
  void everyVersionHasTorchvisionsInputAndPreprocessing() {
    for (VariantSpec v : family().variants()) {
      assertEquals(List.of(3, 224, 224), v.inputShape(), v.name());
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(PreprocessSpec.imagenet(256, 224, PreprocessSpec.Interpolation.BILINEAR),
          v.preprocess(), v.name());
    }
  }

  @Test
  void fireConcatenatesBothExpandsAndLeavesItsInputAlone() {
    Fire fire = new Fire(96, 16, 64, 48);
    try (PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(2, 96, 9, 9);
      Tensor copy = x.clone();
      Tensor y = fire.forward(x);
      assertEquals(List.of(2L, 112L, 9L, 9L), shape(y));
      assertTrue(torch.equal(x, copy), "input unchanged and still usable");
      assertTrue(y.min().item_float() >= 0, "both halves went through ReLU");
      assertEquals(List.of("squeeze.weight", "squeeze.bias", "expand1x1.weight",
          "expand1x1.bias", "expand3x3.weight", "expand3x3.bias"),
          List.copyOf(StateDict.of(fire).keySet()));
    }
  }

  @Test
  void featureIndicesMatchTorchvisionsLayout() {
    try (ClassifierModule v10 = family().build("squeezenet1_0");
        ClassifierModule v11 = family().build("squeezenet1_1");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> a = StateDict.of(v10);
      Map<String, Tensor> b = StateDict.of(v11);
      assertEquals(List.of(96L, 3L, 7L, 7L), shape(a.get("features.0.weight")));
      assertEquals(List.of(64L, 3L, 3L, 3L), shape(b.get("features.0.weight")));
      // pools at 2, 6, 11 (1.0) and 2, 5, 8 (1.1); the last Fire is features.12 in both
      assertTrue(a.containsKey("features.7.squeeze.weight") && !a.containsKey("features.6.squeeze.weight"));
      assertTrue(b.containsKey("features.6.squeeze.weight") && !b.containsKey("features.5.squeeze.weight"));
      assertEquals(List.of(256L, 64L, 3L, 3L), shape(a.get("features.12.expand3x3.weight")));
      assertEquals(List.of(256L, 64L, 3L, 3L), shape(b.get("features.12.expand3x3.weight")));
      assertEquals(List.of(1000L, 512L, 1L, 1L), shape(b.get("classifier.1.weight")));
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(11);
    try (ClassifierModule model = family().build("squeezenet1_1");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      assertEquals(0.01, sd.get("classifier.1.weight").std().item_double(), 5e-4);
      Tensor stem = sd.get("features.0.weight");
      double bound = Math.sqrt(6.0 / (3 * 9));
      assertTrue(stem.abs().max().item_double() <= bound);
      assertTrue(stem.abs().max().item_double() > 0.9 * bound);
      for (String key : sd.keySet()) {
        if (key.endsWith(".bias")) {
          assertEquals(0, sd.get(key).abs().max().item_double(), 0, key);
        }
      }
    }
  }

  @Test
  void logitsAreNonNegativeAsTheClassifierEndsInReluAndAveragePooling() {
    for (VariantSpec v : family().variants()) {
      try (ClassifierModule model = family().build(v.name());
          PointerScope scope = new PointerScope();
          InferenceMode guard = new InferenceMode()) {
        model.eval();
        Tensor logits = model.forward(torch.randn(2, 3, 224, 224));
        assertEquals(List.of(2L, 1000L), shape(logits), v.name());
        assertTrue(logits.min().item_float() >= 0, v.name());
      }
    }
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
