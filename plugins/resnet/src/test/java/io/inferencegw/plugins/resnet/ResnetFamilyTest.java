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

class ResnetFamilyTest extends FamilyContractTest {

  ResnetFamilyTest() {
    super(new ResnetFamily(), "resnet18");
  }

  // ResNet*_Weights.DEFAULT.meta["num_params"] in torchvision 0.14
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered(
        "resnet18", 11_689_512L,
        "resnet34", 21_797_672L,
        "resnet50", 25_557_032L,
        "resnet101", 44_549_160L,
        "resnet152", 60_192_808L);
  }

  // the adaptive pool takes any size the five strides leave at least 1x1
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 80};
  }

  @Test
  void preprocessingIsThatOfTheDefaultWeights() {
    // The transforms of ResNet*_Weights.DEFAULT in torchvision 0.14: IMAGENET1K_V1 for 18 and
    // 34, IMAGENET1K_V2 for the others; all bilinear, crop 224, ImageNet mean and std.
    Map<String, PreprocessSpec> transforms = new LinkedHashMap<>();
    transforms.put("resnet18", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR));
    transforms.put("resnet34", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR));
    transforms.put("resnet50", PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR));
    transforms.put("resnet101", PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR));
    transforms.put("resnet152", PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR));
    Map<String, PreprocessSpec> preprocess = new LinkedHashMap<>();
    family().variants().forEach(v -> preprocess.put(v.name(), v.preprocess()));
    assertEquals(transforms, preprocess);
    for (VariantSpec v : family().variants()) {
      assertEquals(1000, v.numClasses(), v.name());
    }
  }

  @Test
  void depthInTheNameCountsTheWeightLayers() {
    for (ResNetVariant c : new ResnetFamily().configs()) {
      int perBlock = c.network().block().expansion() == 1 ? 2 : 3;
      int blocks = c.network().layers().stream().mapToInt(Integer::intValue).sum();
      assertEquals(Integer.parseInt(c.name().replace("resnet", "")), blocks * perBlock + 2,
          c.name());
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(3);
    try (ClassifierModule model = family().build("resnet50");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      // layer3.0.conv2: 3x3, 256 -> 256: kaiming_normal_(fan_out) = N(0, 2 / (256 * 9))
      assertEquals(Math.sqrt(2.0 / (256 * 9)),
          sd.get("layer3.0.conv2.weight").std().item_double(), 1e-3);
      assertEquals(1, sd.get("layer3.0.bn3.weight").min().item_double(), 0);
      assertEquals(0, sd.get("layer3.0.bn3.bias").abs().max().item_double(), 0);
      assertEquals(List.of(1024L, 512L, 1L, 1L), shape(sd.get("layer3.0.downsample.0.weight")));
    }
  }

  static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
