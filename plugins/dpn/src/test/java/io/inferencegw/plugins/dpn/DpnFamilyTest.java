package io.inferencegw.plugins.dpn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
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

class DpnFamilyTest extends FamilyContractTest {

  DpnFamilyTest() {
    super(new DpnFamily(), "dpn68b");
  }

  // sum(p.numel()) of timm 1.0.9's models
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered(
        "dpn68", 12_611_602L,
        "dpn68b", 12_611_602L,
        "dpn92", 37_668_392L,
        "dpn98", 61_570_728L,
        "dpn107", 86_917_800L,
        "dpn131", 79_254_504L);
  }

  // the adaptive pool takes any size; a small, non-square one is quicker and checks both axes
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 96, 64};
  }

  @Test
  void preprocessingIsTimmsPretrainedConfiguration() {
    for (VariantSpec v : family().variants()) {
      assertEquals(List.of(3, 224, 224), v.inputShape(), v.name());
      assertEquals(1000, v.numClasses(), v.name());
      PreprocessSpec p = v.preprocess();
      assertEquals(Interpolation.BICUBIC, p.interpolation(), v.name());
      if (v.name().equals("dpn68b")) {
        // ra_in1k: crop_pct 0.95 -> floor(224 / 0.95) = 235, ImageNet statistics
        assertEquals(PreprocessSpec.imagenet(235, 224, Interpolation.BICUBIC), p);
      } else {
        // mx_in1k: crop_pct 0.875 -> 256; IMAGENET_DPN_MEAN / IMAGENET_DPN_STD
        assertEquals(256, p.resizeShorter(), v.name());
        assertArrayEquals(new double[] {0.48627450980392156, 0.4588235294117647,
            0.40784313725490196}, p.mean());
        assertArrayEquals(new double[] {0.23482446870963955, 0.23482446870963955,
            0.23482446870963955}, p.std());
      }
    }
  }

  /** Channels of timm's {@code feature_info}: stem, then each stage's cat(residual, dense). */
  private static final Map<String, List<Long>> FEATURE_CHANNELS = Map.of(
      "dpn68", List.of(10L, 144L, 320L, 704L, 832L),
      "dpn68b", List.of(10L, 144L, 320L, 704L, 832L),
      "dpn92", List.of(64L, 336L, 704L, 1552L, 2688L),
      "dpn98", List.of(96L, 336L, 768L, 1728L, 2688L),
      "dpn107", List.of(128L, 376L, 1152L, 2432L, 2688L),
      "dpn131", List.of(128L, 352L, 832L, 1984L, 2688L));

  @Test
  void everyStageHasTimmsShapes() {
    long[] sizes = {112, 56, 28, 14, 7};
    for (VariantSpec v : family().variants()) {
      try (DPN model = (DPN) family().build(v.name());
          PointerScope scope = new PointerScope();
          InferenceMode guard = new InferenceMode()) {
        model.eval();
        List<Tensor> maps = model.featureMaps(torch.randn(1, 3, 224, 224));
        assertEquals(5, maps.size());
        for (int i = 0; i < 5; i++) {
          assertEquals(List.of(1L, FEATURE_CHANNELS.get(v.name()).get(i), sizes[i], sizes[i]),
              shape(maps.get(i)), v.name() + " feature map " + i);
        }
      }
    }
  }

  @Test
  void theHeadTakesTheLastFeatureMapOfAnyInputSize() {
    try (DPN model = (DPN) family().build("dpn68b");
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      model.eval();
      Tensor x = torch.randn(2, 3, 96, 64);
      assertEquals(List.of(2L, 832L, 3L, 2L), shape(model.featureMaps(x).get(4)));
      assertEquals(List.of(2L, 1000L), shape(model.forward(x)));
    }
  }

  private static void assertArrayEquals(double[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-7);
    }
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
