package io.inferencegw.plugins.mobilenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * mobilenet_v1 runs forward here: the parity tests run V2 and V3 against torchvision by default,
 * while V1's reference (timm) is not part of the build.
 */
class MobilenetFamilyTest extends FamilyContractTest {

  MobilenetFamilyTest() {
    super(new MobilenetFamily(), "mobilenet_v1");
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    // torchvision 0.14's *_Weights meta["num_params"]; timm's mobilenetv1_100 for v1
    return ordered(
        "mobilenet_v1", 4_231_976L,
        "mobilenet_v2", 3_504_872L,
        "mobilenet_v3_large", 5_483_032L,
        "mobilenet_v3_small", 2_542_856L);
  }

  /** Any size the five stride-2 stages reduce to at least 1x1 is valid; 64 is quicker. */
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 64};
  }

  @Test
  void preprocessingIsThatOfEachVariantsDefaultWeights() {
    assertEquals(PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR),
        family().requireVariant("mobilenet_v2").preprocess());
    assertEquals(PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR),
        family().requireVariant("mobilenet_v3_large").preprocess());
    assertEquals(PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR),
        family().requireVariant("mobilenet_v3_small").preprocess());
    PreprocessSpec v1 = family().requireVariant("mobilenet_v1").preprocess();
    assertEquals(256, v1.resizeShorter());
    assertEquals(224, v1.cropHeight());
    assertEquals(Interpolation.BICUBIC, v1.interpolation());
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, v1.mean());
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, v1.std());
    for (VariantSpec v : family().variants()) {
      assertEquals(1000, v.numClasses(), v.name());
    }
  }

  @Test
  void v3SmallHasSqueezeExcitationWhereThePaperSaysAndHardswishLater() {
    try (ClassifierModule model = family().build("mobilenet_v3_small");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      // bneck 1 (16, SE, ReLU, stride 2): no expansion, SE squeeze make_divisible(16 // 4, 8)
      assertEquals(List.of(8L, 16L, 1L, 1L), shape(sd.get("features.1.block.1.fc1.weight")));
      assertTrue(sd.containsKey("features.1.block.2.1.running_var"));
      // bneck 2 (72, no SE): expand, depthwise, project
      assertTrue(sd.containsKey("features.2.block.2.1.weight"));
      assertEquals(List.of(576L, 96L, 1L, 1L), shape(sd.get("features.12.0.weight")));
      assertEquals(List.of(1024L, 576L), shape(sd.get("classifier.0.weight")));
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(3);
    try (ClassifierModule model = family().build("mobilenet_v2");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      assertEquals(0.01, sd.get("classifier.1.weight").std().item_double(), 1e-3);
      assertEquals(0, sd.get("classifier.1.bias").abs().max().item_double(), 0);
      // features.18: conv 320->1280 1x1, fan_out 1280
      assertEquals(Math.sqrt(2.0 / 1280), sd.get("features.18.0.weight").std().item_double(),
          2e-3);
      assertEquals(1, sd.get("features.18.1.weight").min().item_double(), 0);
    }
  }

  static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
