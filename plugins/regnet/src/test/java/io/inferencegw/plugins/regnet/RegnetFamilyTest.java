package io.inferencegw.plugins.regnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.ReferenceStructure;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class RegnetFamilyTest extends FamilyContractTest {

  RegnetFamilyTest() {
    super(new RegnetFamily(), "regnet_y_400mf");
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    // RegNet_*_Weights meta["num_params"] in torchvision 0.14
    return ordered(
        "regnet_x_400mf", 5_495_976L,
        "regnet_x_800mf", 7_259_656L,
        "regnet_x_1_6gf", 9_190_136L,
        "regnet_x_3_2gf", 15_296_552L,
        "regnet_x_8gf", 39_572_648L,
        "regnet_x_16gf", 54_278_536L,
        "regnet_x_32gf", 107_811_560L,
        "regnet_y_400mf", 4_344_144L,
        "regnet_y_800mf", 6_432_512L,
        "regnet_y_1_6gf", 11_202_430L,
        "regnet_y_3_2gf", 19_436_338L,
        "regnet_y_8gf", 39_381_472L,
        "regnet_y_16gf", 83_590_140L,
        "regnet_y_32gf", 145_046_770L,
        "regnet_y_128gf", 644_812_894L);
  }

  /** The network pools globally, so a 64x64 input is as valid as 224x224. */
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 64};
  }

  @Test
  void preprocessingIsThatOfEachVariantsDefaultWeights() {
    for (VariantSpec v : family().variants()) {
      if (v.name().equals("regnet_y_128gf")) {
        assertEquals(PreprocessSpec.imagenet(384, 384, Interpolation.BICUBIC), v.preprocess());
      } else {
        assertEquals(PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR), v.preprocess(),
            v.name());
      }
    }
  }

  @Test
  void blocksAreNamedByStageAndIndexWithSqueezeExcitationInRegNetY() {
    try (ClassifierModule y = family().build("regnet_y_400mf");
        ClassifierModule x = family().build("regnet_x_400mf");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(y);
      // stage 1: 32 -> 48, group width 8 -> 6 groups; SE to round(0.25 * 32) = 8 channels
      assertEquals(List.of(48L, 32L, 1L, 1L),
          shape(sd.get("trunk_output.block1.block1-0.proj.0.weight")));
      assertEquals(List.of(48L, 8L, 3L, 3L),
          shape(sd.get("trunk_output.block1.block1-0.f.b.0.weight")));
      assertEquals(List.of(8L, 48L, 1L, 1L),
          shape(sd.get("trunk_output.block1.block1-0.f.se.fc1.weight")));
      assertTrue(sd.containsKey("trunk_output.block4.block4-5.f.c.1.running_var"));
      assertFalse(sd.containsKey("trunk_output.block2.block2-1.proj.0.weight"));
      assertTrue(StateDict.of(x).keySet().stream().noneMatch(k -> k.contains(".se.")));
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(6);
    try (ClassifierModule model = family().build("regnet_x_400mf");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      assertEquals(0.01, sd.get("fc.weight").std().item_double(), 1e-3);
      assertEquals(0, sd.get("fc.bias").abs().max().item_double(), 0);
      // block4-0.f.a: 1x1 conv 160 -> 400, fan_out 400
      assertEquals(Math.sqrt(2.0 / 400),
          sd.get("trunk_output.block4.block4-0.f.a.0.weight").std().item_double(), 2e-3);
    }
  }

  @Test
  void buildForLoadingHasTheSameStructure() {
    try (ClassifierModule built = family().build("regnet_y_800mf");
        ClassifierModule forLoading = family().buildForLoading("regnet_y_800mf")) {
      ParityHarness.assertSameStructure("regnet_y_800mf", forLoading,
          ReferenceStructure.of("build()", built));
    }
  }

  static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
