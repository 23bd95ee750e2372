package io.inferencegw.plugins.convnext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ConvNeXtFamilyTest extends FamilyContractTest {

  ConvNeXtFamilyTest() {
    super(new ConvNeXtFamily(), "convnext_tiny");
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    // ConvNeXt_*_Weights.IMAGENET1K_V1.meta["num_params"] in torchvision 0.14
    return ordered(
        "convnext_tiny", 28_589_128L,
        "convnext_small", 50_223_688L,
        "convnext_base", 88_591_464L,
        "convnext_large", 197_767_336L);
  }

  /** Any size, not only square ones: ConvNeXt_*_Weights meta: min_size (32, 32). */
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 96};
  }

  @Test
  void preprocessingIsThatOfEachVariantsWeights() {
    // ConvNeXt_*_Weights.IMAGENET1K_V1.transforms in torchvision 0.14
    Map<String, Integer> resize = Map.of(
        "convnext_tiny", 236, "convnext_small", 230, "convnext_base", 232, "convnext_large", 232);
    for (VariantSpec v : family().variants()) {
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(PreprocessSpec.imagenet(resize.get(v.name()), 224, Interpolation.BILINEAR),
          v.preprocess(), v.name());
    }
  }

  @Test
  void stochasticDepthGrowsLinearlyOverTheBlocks() {
    try (ConvNeXt model = (ConvNeXt) family().build("convnext_tiny")) {
      List<CNBlock> blocks = model.blocks();
      assertEquals(3 + 3 + 9 + 3, blocks.size());
      for (int i = 0; i < blocks.size(); i++) {
        assertEquals(0.1 * i / 17.0, blocks.get(i).stochasticDepthProb(), 1e-12);
      }
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(5);
    try (ClassifierModule model = family().build("convnext_tiny");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      Tensor w = sd.get("features.5.3.block.3.weight");
      // truncated at +-2 absolute, i.e. at 100 standard deviations: effectively N(0, 0.02^2)
      assertEquals(0.02, w.std().item_double(), 1e-3);
      assertTrue(w.abs().max().item_double() < 0.2);
      assertEquals(0, sd.get("features.5.3.block.3.bias").abs().max().item_double(), 0);
      assertEquals(1e-6, sd.get("features.1.0.layer_scale").max().item_double(), 1e-12);
      assertEquals(1, sd.get("features.0.1.weight").min().item_double(), 0);
      assertEquals(0, sd.get("classifier.2.weight").mean().item_double(), 1e-3);
    }
  }
}
