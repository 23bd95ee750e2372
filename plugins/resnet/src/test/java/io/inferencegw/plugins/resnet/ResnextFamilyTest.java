package io.inferencegw.plugins.resnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ResnextFamilyTest extends FamilyContractTest {

  ResnextFamilyTest() {
    super(new ResnextFamily(), "resnext50_32x4d");
  }

  // ResNeXt*_Weights.DEFAULT.meta["num_params"] in torchvision 0.14
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered(
        "resnext50_32x4d", 25_028_904L,
        "resnext101_32x8d", 88_791_336L,
        "resnext101_64x4d", 83_455_272L);
  }

  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 64};
  }

  @Test
  void preprocessingIsThatOfTheDefaultWeights() {
    for (VariantSpec v : family().variants()) {
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR), v.preprocess(),
          v.name());
    }
  }

  @Test
  void namesGiveDepthCardinalityAndGroupWidth() {
    for (ResNetVariant c : new ResnextFamily().configs()) {
      String[] parts = c.name().replace("resnext", "").split("[_xd]");
      int blocks = c.network().layers().stream().mapToInt(Integer::intValue).sum();
      assertEquals(Integer.parseInt(parts[0]), blocks * 3 + 2, c.name());
      assertEquals(Integer.parseInt(parts[1]), c.network().groups(), c.name());
      assertEquals(Integer.parseInt(parts[2]), c.network().widthPerGroup(), c.name());
    }
  }

  @Test
  void innerConvolutionsAreGrouped() {
    try (ClassifierModule model = family().build("resnext50_32x4d");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      // width = int(64 * 4 / 64) * 32 = 128 channels in 32 groups of 4
      assertEquals(List.of(128L, 4L, 3L, 3L),
          ResnetFamilyTest.shape(sd.get("layer1.0.conv2.weight")));
      assertEquals(List.of(1024L, 32L, 3L, 3L),
          ResnetFamilyTest.shape(sd.get("layer4.2.conv2.weight")));
    }
  }
}
