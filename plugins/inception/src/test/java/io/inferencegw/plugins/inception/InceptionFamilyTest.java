package io.inferencegw.plugins.inception;

import static io.inferencegw.plugins.inception.Shapes.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.ReferenceStructure;
import io.inferencegw.plugin.api.blocks.inception.TransformInput;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import io.inferencegw.plugins.inception.v3.Inception3;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class InceptionFamilyTest extends FamilyContractTest {

  /**
   * Input size of the forward tests: these fully convolutional networks take any size from
   * about 75 up, and 139 costs a fifth of the native 299 (the parity tests use 299).
   */
  private static final int SMALL = 139;

  InceptionFamilyTest() {
    super(new InceptionFamily(), "inception_v3");
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered(
        "inception_v3", 27_161_264L, // torchvision 0.14, AuxLogits included
        "inception_v4", 42_679_816L, // timm 1.0.9
        "inception_resnet_v2", 55_843_464L); // timm 1.0.9
  }

  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, SMALL, SMALL};
  }

  @Test
  void everyVariantTakes299x299AndGivesAThousandLogits() {
    for (VariantSpec v : family().variants()) {
      assertEquals(List.of(3, 299, 299), v.inputShape(), v.name());
      assertEquals(1000, v.numClasses(), v.name());
    }
  }

  @Test
  void preprocessingIsWhatEachVariantsWeightsExpect() {
    // torchvision's Inception_V3_Weights: ImageClassification(crop_size=299, resize_size=342)
    assertEquals(PreprocessSpec.imagenet(342, 299, Interpolation.BILINEAR),
        family().requireVariant("inception_v3").preprocess());
    // timm's tf_in1k configs: bicubic, resize floor(299 / crop_pct), mean = std = 0.5
    float[] half = {0.5f, 0.5f, 0.5f};
    assertEquals(new PreprocessSpec(ColorMode.RGB, (int) Math.floor(299 / 0.875), 299, 299,
        Interpolation.BICUBIC, half, half), family().requireVariant("inception_v4").preprocess());
    assertEquals(new PreprocessSpec(ColorMode.RGB, (int) Math.floor(299 / 0.8975), 299, 299,
        Interpolation.BICUBIC, half, half),
        family().requireVariant("inception_resnet_v2").preprocess());
    assertEquals(341, family().requireVariant("inception_v4").preprocess().resizeShorter());
    assertEquals(333, family().requireVariant("inception_resnet_v2").preprocess().resizeShorter());
  }

  @Test
  void theCatalogNoteSaysWhoNormalisesTheInput() {
    assertTrue(family().inputNote("inception_v3").contains("transform_input=True"));
    for (String timm : List.of("inception_v4", "inception_resnet_v2")) {
      String note = family().inputNote(timm);
      assertTrue(note.startsWith("timm " + timm) && note.contains("mean = std = 0.5"), note);
    }
    assertThrows(IllegalArgumentException.class, () -> family().inputNote("inception_v2"));
  }

  @Test
  void v3AuxLogitsSitsBetweenMixed6eAndMixed7aAndIsUnusedInEval() {
    torch.manual_seed(3);
    try (ClassifierModule model = family().build("inception_v3");
        PointerScope scope = new PointerScope()) {
      Shapes.fanInScaled(model);
      model.eval();
      Map<String, Tensor> sd = StateDict.of(model);
      List<String> keys = List.copyOf(sd.keySet());
      int aux = keys.indexOf("AuxLogits.conv0.conv.weight");
      assertTrue(keys.indexOf("Mixed_6e.branch_pool.bn.num_batches_tracked") < aux);
      assertTrue(keys.indexOf("AuxLogits.fc.bias") < keys.indexOf("Mixed_7a.branch3x3_1.conv.weight"));
      assertEquals(List.of(768L, 128L, 5L, 5L), shape(sd.get("AuxLogits.conv1.conv.weight")));
      assertEquals(List.of(1000L, 768L), shape(sd.get("AuxLogits.fc.weight")));

      Tensor x = torch.randn(1, 3, SMALL, SMALL);
      Tensor before;
      try (InferenceMode guard = new InferenceMode()) {
        before = model.forward(x);
      }
      try (NoGradGuard noGrad = new NoGradGuard()) {
        for (String key : keys) {
          if (key.startsWith("AuxLogits.") && !key.endsWith("num_batches_tracked")) {
            sd.get(key).fill_(new Scalar(7.0));
          }
        }
      }
      try (InferenceMode guard = new InferenceMode()) {
        assertTrue(torch.equal(before, model.forward(x)), "eval mode ignores AuxLogits");
      }
    }
  }

  @Test
  void v3TransformInputIsItsFirstStep() {
    torch.manual_seed(5);
    try (ClassifierModule served = family().build("inception_v3");
        Inception3 plain = new Inception3(1000, true, false, 0.5);
        PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      Shapes.fanInScaled(served);
      Map<String, Tensor> from = StateDict.of(served);
      StateDict.of(plain).forEach((key, t) -> t.copy_(from.get(key)));
      served.eval();
      plain.eval();
      Tensor x = torch.randn(1, 3, SMALL, SMALL);
      Tensor transformed = TransformInput.IMAGENET.forward(x);
      Tensor logits = served.forward(x);
      assertTrue(torch.equal(logits, plain.forward(transformed)));
      assertFalse(torch.allclose(logits, plain.forward(x), 1e-3, 1e-3, false));
    }
  }

  @Test
  void v3FreshNetworkIsInitialisedLikeTorchvision() {
    torch.manual_seed(11);
    try (ClassifierModule model = family().build("inception_v3");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      for (String key : List.of("Conv2d_1a_3x3.conv.weight", "Mixed_7c.branch_pool.conv.weight",
          "fc.weight", "AuxLogits.conv0.conv.weight")) {
        assertEquals(0.1, sd.get(key).std().item_double(), 0.01, key);
      }
      assertEquals(0.01, sd.get("AuxLogits.conv1.conv.weight").std().item_double(), 1e-3);
      assertEquals(0.001, sd.get("AuxLogits.fc.weight").std().item_double(), 1e-4);
      assertEquals(1.0, sd.get("Mixed_5b.branch1x1.bn.weight").min().item_double());
      assertEquals(0.0, sd.get("Mixed_5b.branch1x1.bn.bias").abs().max().item_double());
    }
  }

  @Test
  void buildForLoadingHasTheSameStructure() {
    for (VariantSpec v : family().variants()) {
      try (ClassifierModule built = family().build(v.name());
          ClassifierModule forLoading = family().buildForLoading(v.name())) {
        ParityHarness.assertSameStructure(v.name(), forLoading,
            ReferenceStructure.of("build()", built));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> family().buildForLoading("inception_v2"));
  }

  @Test
  void everyVariantGivesFiniteDeterministicInputDependentLogits() {
    for (VariantSpec v : family().variants()) {
      try (ClassifierModule model = family().build(v.name());
          PointerScope scope = new PointerScope()) {
        Shapes.fanInScaled(model);
        model.eval();
        try (InferenceMode guard = new InferenceMode()) {
          Tensor x = torch.randn(2, 3, SMALL, SMALL);
          Tensor copy = x.clone();
          Tensor logits = model.forward(x);
          assertEquals(List.of(2L, 1000L), shape(logits), v.name());
          assertTrue(torch.isfinite(logits).all().item_bool(), v.name());
          assertTrue(torch.equal(x, copy), v.name() + ": input unchanged");
          Tensor alone = model.forward(x.narrow(0, 1, 1)).select(0, 0);
          assertTrue(torch.allclose(logits.select(0, 1), alone, 1e-4, 1e-4, false),
              v.name() + ": a row does not depend on the rest of the batch");
          assertFalse(torch.allclose(logits.select(0, 0), logits.select(0, 1), 1e-3, 1e-3,
              false), v.name() + ": rows differ");
        }
      }
    }
  }

  @Test
  void networksSurviveGarbageCollectionOfTheirBuildersObjects() {
    // every registered Java module must stay referenced, or the collector frees it natively
    for (VariantSpec v : family().variants()) {
      try (ClassifierModule model = family().build(v.name())) {
        int before;
        try (PointerScope scope = new PointerScope()) {
          before = StateDict.of(model).size();
        }
        Await.garbageCollection();
        try (PointerScope scope = new PointerScope()) {
          assertEquals(before, StateDict.of(model).size(), v.name());
        }
      }
    }
  }
}
