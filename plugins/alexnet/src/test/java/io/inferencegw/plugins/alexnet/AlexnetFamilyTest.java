package io.inferencegw.plugins.alexnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class AlexnetFamilyTest extends FamilyContractTest {

  AlexnetFamilyTest() {
    super(new AlexnetFamily(), "alexnet");
  }

  // AlexNet_Weights.IMAGENET1K_V1.meta["num_params"]
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered("alexnet", 61_100_840L);
  }

  @Test
  void alexnetTakesImagenetSizedInputAndGivesAThousandLogits() {
    assertEquals("alexnet", family().name());
    VariantSpec spec = family().requireVariant("alexnet");
    assertEquals(List.of(3, 224, 224), spec.inputShape());
    assertEquals(1000, spec.numClasses());
  }

  @Test
  void preprocessingIsTorchvisionsImageClassificationPreset() {
    PreprocessSpec p = family().requireVariant("alexnet").preprocess();
    assertEquals(PreprocessSpec.imagenet(256, 224, PreprocessSpec.Interpolation.BILINEAR), p);
  }

  @Test
  void dropoutIsTheIdentityInEvalModeOnly() {
    torch.manual_seed(3);
    try (ClassifierModule model = family().build("alexnet");
        PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(2, 3, 224, 224);
      try (InferenceMode guard = new InferenceMode()) {
        model.eval();
        Tensor a = model.forward(x);
        assertTrue(torch.equal(a, model.forward(x)), "eval is deterministic");
        model.train(true);
        assertFalse(torch.equal(a, model.forward(x)), "dropout acts in train mode");
      }
    }
  }

  @Test
  void smallerInputsWorkThanksToTheAdaptivePool() {
    try (ClassifierModule model = family().build("alexnet");
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      model.eval();
      // torchvision's AlexNet_Weights meta: min_size (63, 63)
      assertEquals(1000, model.forward(torch.randn(1, 3, 63, 63)).size(1));
    }
  }
}
