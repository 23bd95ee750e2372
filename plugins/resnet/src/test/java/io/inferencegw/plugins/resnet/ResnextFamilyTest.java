package io.inferencegw.plugins.resnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ResnextFamilyTest {

  private final ResnextFamily family = new ResnextFamily();

  @Test
  void catalogHasTorchvisionsVariantsParameterCountsAndTransforms() {
    // ResNeXt*_Weights.DEFAULT.meta["num_params"] in torchvision 0.14
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("resnext50_32x4d", 25_028_904L);
    expected.put("resnext101_32x8d", 88_791_336L);
    expected.put("resnext101_64x4d", 83_455_272L);
    Map<String, Long> actual = new LinkedHashMap<>();
    family.variants().forEach(v -> actual.put(v.name(), v.parameters()));
    assertEquals(expected, actual);
    for (VariantSpec v : family.variants()) {
      assertEquals(List.of(3, 224, 224), v.inputShape(), v.name());
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR), v.preprocess(),
          v.name());
    }
  }

  @Test
  void namesGiveDepthCardinalityAndGroupWidth() {
    for (ResnextFamily.Config c : ResnextFamily.CONFIGS) {
      String[] parts = c.name().replace("resnext", "").split("[_xd]");
      int blocks = c.network().layers().stream().mapToInt(Integer::intValue).sum();
      assertEquals(Integer.parseInt(parts[0]), blocks * 3 + 2, c.name());
      assertEquals(Integer.parseInt(parts[1]), c.network().groups(), c.name());
      assertEquals(Integer.parseInt(parts[2]), c.network().widthPerGroup(), c.name());
    }
  }

  @Test
  void innerConvolutionsAreGrouped() {
    try (ClassifierModule model = family.build("resnext50_32x4d");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      // width = int(64 * 4 / 64) * 32 = 128 channels in 32 groups of 4
      assertEquals(List.of(128L, 4L, 3L, 3L), shape(sd.get("layer1.0.conv2.weight")));
      assertEquals(List.of(1024L, 32L, 3L, 3L), shape(sd.get("layer4.2.conv2.weight")));
    }
  }

  @Test
  void forwardGivesFiniteDeterministicLogitsInEvalMode() {
    try (ClassifierModule model = family.build("resnext50_32x4d");
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      model.eval();
      Tensor x = torch.randn(2, 3, 64, 64);
      Tensor logits = model.forward(x);
      assertEquals(List.of(2L, 1000L), shape(logits));
      assertTrue(torch.isfinite(logits).all().item_bool());
      assertTrue(torch.equal(logits, model.forward(x)));
    }
  }

  @Test
  void unknownVariantIsRejectedWithTheKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> family.build("resnext50_64x4d"));
    assertTrue(e.getMessage().contains("resnext101_64x4d"), e.getMessage());
  }


  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
