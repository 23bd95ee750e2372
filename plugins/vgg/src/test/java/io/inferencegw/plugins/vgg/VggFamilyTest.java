package io.inferencegw.plugins.vgg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class VggFamilyTest extends FamilyContractTest {

  VggFamilyTest() {
    super(new VggFamily(), "vgg11_bn");
  }

  // VGG*_Weights.IMAGENET1K_V1.meta["num_params"] in torchvision 0.14
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered(
        "vgg11", 132_863_336L,
        "vgg11_bn", 132_868_840L,
        "vgg13", 133_047_848L,
        "vgg13_bn", 133_053_736L,
        "vgg16", 138_357_544L,
        "vgg16_bn", 138_365_992L,
        "vgg19", 143_667_240L,
        "vgg19_bn", 143_678_248L);
  }

  // VGG*_Weights meta: min_size (32, 32); the adaptive pool makes up the 7x7.
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 32, 32};
  }

  @Test
  void everyVariantHasTorchvisionsInputAndPreprocessing() {
    for (VariantSpec v : family().variants()) {
      assertEquals(List.of(3, 224, 224), v.inputShape(), v.name());
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(PreprocessSpec.imagenet(256, 224, PreprocessSpec.Interpolation.BILINEAR),
          v.preprocess(), v.name());
    }
  }

  @Test
  void configurationsHaveTheWeightLayersTheirNamesSay() {
    for (VggFamily.Config c : new VggFamily().configs()) {
      long convs = Arrays.stream(c.layers()).filter(v -> v != VGG.M).count();
      String depth = c.name().replace("vgg", "").replace("_bn", "");
      assertEquals(Integer.parseInt(depth), convs + 3, c.name());
      assertEquals(5, Arrays.stream(c.layers()).filter(v -> v == VGG.M).count(), c.name());
      assertEquals(c.name().endsWith("_bn"), c.batchNorm(), c.name());
    }
  }

  @Test
  void featureIndicesCountPoolsActivationsAndNorms() {
    int[] d = VggFamily.CFGS.get("D");
    Sequential plain = VGG.makeLayers(d, false);
    Sequential withBn = VGG.makeLayers(d, true);
    assertEquals(13 * 2 + 5, plain.size());
    assertEquals(13 * 3 + 5, withBn.size());
    try (PointerScope scope = new PointerScope()) {
      // the last convolution of torchvision's vgg16 / vgg16_bn checkpoints
      assertEquals(List.of(512L, 512L, 3L, 3L), shape(StateDict.of(plain).get("28.weight")));
      assertEquals(List.of(512L, 512L, 3L, 3L), shape(StateDict.of(withBn).get("40.weight")));
      assertEquals(List.of(512L), shape(StateDict.of(withBn).get("41.running_var")));
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(5);
    try (ClassifierModule model = family().build("vgg11_bn");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      assertEquals(0.01, sd.get("classifier.3.weight").std().item_double(), 1e-4);
      assertEquals(0, sd.get("classifier.3.bias").abs().max().item_double(), 0);
      // features.4: conv 64->128, fan_out 128*9
      assertEquals(Math.sqrt(2.0 / (128 * 9)), sd.get("features.4.weight").std().item_double(),
          2e-3);
      assertEquals(0, sd.get("features.4.bias").abs().max().item_double(), 0);
      assertEquals(1, sd.get("features.5.weight").min().item_double(), 0);
    }
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
