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

class WideResnetFamilyTest extends FamilyContractTest {

  WideResnetFamilyTest() {
    super(new WideResnetFamily(), "wide_resnet50_2");
  }

  // Wide_ResNet*_Weights.DEFAULT.meta["num_params"] in torchvision 0.14
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered(
        "wide_resnet50_2", 68_883_240L,
        "wide_resnet101_2", 126_886_696L);
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
  void onlyTheInnerConvolutionsAreTwiceAsWideAsResNets() {
    torch.manual_seed(4);
    try (ClassifierModule model = family().build("wide_resnet50_2");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      // resnet50: layer1.0.conv2 64->64, conv3 64->256; here the inner width doubles
      assertEquals(List.of(128L, 64L, 1L, 1L), shape(sd.get("layer1.0.conv1.weight")));
      assertEquals(List.of(128L, 128L, 3L, 3L), shape(sd.get("layer1.0.conv2.weight")));
      assertEquals(List.of(256L, 128L, 1L, 1L), shape(sd.get("layer1.0.conv3.weight")));
      assertEquals(List.of(1000L, 2048L), shape(sd.get("fc.weight")));
      // torchvision's init: kaiming_normal_(fan_out); layer4.1.conv2 is 3x3, 1024 -> 1024
      assertEquals(Math.sqrt(2.0 / (1024 * 9)),
          sd.get("layer4.1.conv2.weight").std().item_double(), 1e-3);
    }
  }

  private static List<Long> shape(Tensor t) {
    return ResnetFamilyTest.shape(t);
  }
}
