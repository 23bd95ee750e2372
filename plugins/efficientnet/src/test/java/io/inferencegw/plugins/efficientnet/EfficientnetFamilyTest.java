package io.inferencegw.plugins.efficientnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
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

/**
 * efficientnet_v2_s runs forward here, its Fused-MBConv stages included: the parity test runs
 * only efficientnet_b0 against torchvision by default.
 */
class EfficientnetFamilyTest extends FamilyContractTest {

  private static final EfficientnetFamily FAMILY = new EfficientnetFamily();

  EfficientnetFamilyTest() {
    super(FAMILY, "efficientnet_v2_s");
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    // EfficientNet_*_Weights meta["num_params"] in torchvision 0.14
    return ordered(
        "efficientnet_b0", 5_288_548L,
        "efficientnet_b1", 7_794_184L,
        "efficientnet_b2", 9_109_994L,
        "efficientnet_b3", 12_233_232L,
        "efficientnet_b4", 19_341_616L,
        "efficientnet_b5", 30_389_784L,
        "efficientnet_b6", 43_040_704L,
        "efficientnet_b7", 66_347_960L,
        "efficientnet_v2_s", 21_458_488L,
        "efficientnet_v2_m", 54_139_356L,
        "efficientnet_v2_l", 118_515_272L);
  }

  /** The network pools globally, so a 64x64 input is as valid as its native 384x384. */
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 64};
  }

  @Test
  void eachVariantHasTheInputSizeAndResizeOfItsDefaultWeights() {
    // name -> resize, crop, bicubic?
    Object[][] rows = {
        {"efficientnet_b0", 256, 224, true}, {"efficientnet_b1", 255, 240, false},
        {"efficientnet_b2", 288, 288, true}, {"efficientnet_b3", 320, 300, true},
        {"efficientnet_b4", 384, 380, true}, {"efficientnet_b5", 456, 456, true},
        {"efficientnet_b6", 528, 528, true}, {"efficientnet_b7", 600, 600, true},
        {"efficientnet_v2_s", 384, 384, false}, {"efficientnet_v2_m", 480, 480, false},
        {"efficientnet_v2_l", 480, 480, true}};
    for (Object[] row : rows) {
      VariantSpec v = FAMILY.requireVariant((String) row[0]);
      PreprocessSpec p = v.preprocess();
      int crop = (Integer) row[2];
      assertEquals(List.of(3, crop, crop), v.inputShape(), v.name());
      assertEquals(row[1], p.resizeShorter(), v.name());
      assertEquals((Boolean) row[3] ? Interpolation.BICUBIC : Interpolation.BILINEAR,
          p.interpolation(), v.name());
      float[] mean = v.name().equals("efficientnet_v2_l")
          ? new float[] {0.5f, 0.5f, 0.5f} : PreprocessSpec.IMAGENET_MEAN;
      assertArrayEquals(mean, p.mean(), v.name());
    }
  }

  @Test
  void compoundScalingRoundsWidthsToEightAndDepthsUp() {
    // B4: width 1.4, depth 1.8: 32 -> 48, 112 -> 160; 3 layers -> ceil(5.4) = 6
    List<EfficientNet.Stage> b4 = FAMILY.config("efficientnet_b4").setting();
    assertEquals(48, b4.get(0).input());
    assertEquals(160, b4.get(4).output());
    assertEquals(6, b4.get(4).layers());
    // B1: depth 1.1 of 2 layers is 2.2000000000000006 -> 3, as in Python
    assertEquals(3, FAMILY.config("efficientnet_b1").setting().get(1).layers());
  }

  @Test
  void stochasticDepthGrowsLinearlyOverTheBlocksAndIsOffInEval() {
    try (ClassifierModule model = FAMILY.build("efficientnet_v2_s");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      // fused stage 1 (ratio 1): only block.0; stage 2 (ratio 4): block.0 and block.1
      assertTrue(sd.containsKey("features.1.0.block.0.0.weight"));
      assertFalse(sd.containsKey("features.1.0.block.1.0.weight"));
      assertTrue(sd.containsKey("features.2.0.block.1.1.running_var"));
      // MBConv stage 4: expand, depthwise, SE (64 / 4 = 16 squeeze channels), project
      assertEquals(List.of(16L, 256L, 1L, 1L), shape(sd.get("features.4.0.block.2.fc1.weight")));
      assertEquals(List.of(1280L, 256L, 1L, 1L), shape(sd.get("features.7.0.weight")));
    }
    try (EfficientNet b0 = (EfficientNet) FAMILY.build("efficientnet_b0")) {
      List<Double> p = b0.stochasticDepthProbs();
      assertEquals(16, p.size());
      assertEquals(0.0, p.get(0));
      assertEquals(0.2 * 15 / 16, p.get(15), 1e-12);
      b0.eval();
      try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
        Tensor x = torch.randn(1, 3, 32, 32);
        assertTrue(torch.equal(b0.forward(x), b0.forward(x)));
      }
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(4);
    try (ClassifierModule model = FAMILY.build("efficientnet_b0");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      Tensor w = sd.get("classifier.1.weight");
      assertTrue(w.abs().max().item_double() <= 1 / Math.sqrt(1000));
      assertEquals(1 / Math.sqrt(1000) / Math.sqrt(3), w.std().item_double(), 1e-3);
      assertEquals(0, sd.get("features.1.0.block.1.fc1.bias").abs().max().item_double(), 0);
      assertEquals(Math.sqrt(2.0 / 1280), sd.get("features.8.0.weight").std().item_double(),
          2e-3);
    }
  }

  @Test
  void normEpsAndMomentumFollowTorchvision() {
    assertEquals(new EfficientNet.Norm(1e-5, 0.1),
        FAMILY.config("efficientnet_b4").norm());
    assertEquals(new EfficientNet.Norm(1e-3, 0.01),
        FAMILY.config("efficientnet_b5").norm());
    assertEquals(new EfficientNet.Norm(1e-3, 0.01),
        FAMILY.config("efficientnet_b7").norm());
    assertEquals(new EfficientNet.Norm(1e-3, 0.1),
        FAMILY.config("efficientnet_v2_l").norm());
  }

  static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
