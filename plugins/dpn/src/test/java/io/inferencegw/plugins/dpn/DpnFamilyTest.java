package io.inferencegw.plugins.dpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

class DpnFamilyTest {

  private final DpnFamily family = new DpnFamily();

  @Test
  void catalogHasTimmsVariantsAndParameterCounts() {
    // sum(p.numel()) of timm 1.0.9's models
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("dpn68", 12_611_602L);
    expected.put("dpn68b", 12_611_602L);
    expected.put("dpn92", 37_668_392L);
    expected.put("dpn98", 61_570_728L);
    expected.put("dpn107", 86_917_800L);
    expected.put("dpn131", 79_254_504L);
    Map<String, Long> actual = new LinkedHashMap<>();
    family.variants().forEach(v -> actual.put(v.name(), v.parameters()));
    assertEquals(expected, actual);
  }

  @Test
  void preprocessingIsTimmsPretrainedConfiguration() {
    for (VariantSpec v : family.variants()) {
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
    for (VariantSpec v : family.variants()) {
      try (DPN model = (DPN) family.build(v.name());
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
  void forwardGivesFiniteDeterministicLogitsInEvalMode() {
    try (DPN model = (DPN) family.build("dpn68b");
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      model.eval();
      Tensor x = torch.randn(2, 3, 96, 64);
      Tensor logits = model.forward(x);
      assertEquals(List.of(2L, 1000L), shape(logits));
      assertTrue(torch.isfinite(logits).all().item_bool());
      assertTrue(torch.equal(logits, model.forward(x)));
      // the logits equal the head applied to the last feature map
      Tensor last = model.featureMaps(x).get(4);
      assertEquals(List.of(2L, 832L, 3L, 2L), shape(last));
    }
  }

  @Test
  void unknownVariantIsRejectedWithTheKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> family.build("dpn48b"));
    assertTrue(e.getMessage().contains("dpn131"), e.getMessage());
  }

  @Test
  void familyIsAnIndexedPf4jExtension() throws IOException {
    assertTrue(DpnFamily.class.isAnnotationPresent(Extension.class));
    List<String> indexed = new ArrayList<>();
    for (URL url : Collections.list(
        getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = url.openStream()) {
        indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      }
    }
    assertTrue(indexed.contains(DpnFamily.class.getName()), indexed.toString());
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
