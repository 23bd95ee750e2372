package io.inferencegw.plugins.mnasnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.blocks.InvertedResidual;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class MnasnetFamilyTest extends FamilyContractTest {

  MnasnetFamilyTest() {
    super(new MnasnetFamily(), "mnasnet0_75");
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    // MNASNet*_Weights meta["num_params"] in torchvision 0.14
    return ordered(
        "mnasnet0_5", 2_218_512L,
        "mnasnet0_75", 3_170_208L,
        "mnasnet1_0", 4_383_312L,
        "mnasnet1_3", 6_282_256L);
  }

  /** The network ends in a global mean, so a 64x64 input is as valid as 224x224. */
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 64};
  }

  @Test
  void preprocessingIsThatOfEachVariantsWeights() {
    // The transforms of MNASNet*_Weights.IMAGENET1K_V1 in torchvision 0.14: 0.75 and 1.3 were
    // trained later with the new recipe (resize 232), 0.5 and 1.0 with the old one (256); all
    // bilinear, crop 224, ImageNet mean and std.
    Map<String, PreprocessSpec> transforms = new LinkedHashMap<>();
    transforms.put("mnasnet0_5", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR));
    transforms.put("mnasnet0_75", PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR));
    transforms.put("mnasnet1_0", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR));
    transforms.put("mnasnet1_3", PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR));
    Map<String, PreprocessSpec> preprocess = new LinkedHashMap<>();
    family().variants().forEach(v -> preprocess.put(v.name(), v.preprocess()));
    assertEquals(transforms, preprocess);
  }

  @Test
  void depthsRoundToEightPreferringUp() {
    // torchvision's _get_depths
    assertArrayEquals(new int[] {16, 8, 16, 24, 40, 48, 96, 160}, MNASNet.depths(0.5));
    assertArrayEquals(new int[] {24, 16, 24, 32, 64, 72, 144, 240}, MNASNet.depths(0.75));
    assertArrayEquals(new int[] {40, 24, 32, 56, 104, 128, 248, 416}, MNASNet.depths(1.3));
  }

  @Test
  void batchNormsUseTensorFlowsMomentum() {
    assertEquals(0.0003, MNASNet.BN_MOMENTUM, 1e-12);
    InvertedResidual block = MNASNet.stacks(MNASNet.depths(1.0)).get(0).get(1).build();
    try (PointerScope scope = new PointerScope()) {
      List<String> keys = List.copyOf(StateDict.of(block).keySet());
      assertEquals("layers.0.weight", keys.get(0));
      assertTrue(block.usesResidual());
    }
    assertTrue(block.toString().contains("residual=true"));
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(2);
    try (ClassifierModule model = family().build("mnasnet1_0");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      Tensor w = sd.get("classifier.1.weight");
      assertTrue(w.abs().max().item_double() <= Math.sqrt(3.0 / 1000));
      assertEquals(Math.sqrt(1.0 / 1000), w.std().item_double(), 1e-3);
      assertEquals(Math.sqrt(2.0 / 1280), sd.get("layers.14.weight").std().item_double(), 2e-3);
    }
  }
}
