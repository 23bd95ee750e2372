package io.inferencegw.plugins.convnext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
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

class ConvNeXtFamilyTest {

  private final ConvNeXtFamily family = new ConvNeXtFamily();

  @Test
  void catalogHasTorchvisionsVariantsParameterCountsAndPreprocessing() {
    // ConvNeXt_*_Weights.IMAGENET1K_V1.meta["num_params"] and transforms in torchvision 0.14
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("convnext_tiny", 28_589_128L);
    expected.put("convnext_small", 50_223_688L);
    expected.put("convnext_base", 88_591_464L);
    expected.put("convnext_large", 197_767_336L);
    Map<String, Long> actual = new LinkedHashMap<>();
    family.variants().forEach(v -> actual.put(v.name(), v.parameters()));
    assertEquals(expected, actual);
    Map<String, Integer> resize = Map.of(
        "convnext_tiny", 236, "convnext_small", 230, "convnext_base", 232, "convnext_large", 232);
    for (VariantSpec v : family.variants()) {
      assertEquals(List.of(3, 224, 224), v.inputShape(), v.name());
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(PreprocessSpec.imagenet(resize.get(v.name()), 224, Interpolation.BILINEAR),
          v.preprocess(), v.name());
    }
  }

  @Test
  void stochasticDepthGrowsLinearlyOverTheBlocks() {
    try (ConvNeXt model = (ConvNeXt) family.build("convnext_tiny")) {
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
    try (ClassifierModule model = family.build("convnext_tiny");
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

  @Test
  void forwardGivesFiniteDeterministicLogitsInEvalModeAtOtherSizes() {
    try (ClassifierModule model = family.build("convnext_tiny");
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      model.eval();
      // ConvNeXt_*_Weights meta: min_size (32, 32)
      Tensor x = torch.randn(2, 3, 64, 96);
      Tensor logits = model.forward(x);
      assertEquals(List.of(2L, 1000L), shape(logits));
      assertTrue(torch.isfinite(logits).all().item_bool());
      assertTrue(torch.equal(logits, model.forward(x)));
    }
  }

  @Test
  void unknownVariantIsRejectedWithTheKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> family.build("convnext_huge"));
    assertTrue(e.getMessage().contains("convnext_large"), e.getMessage());
  }

  @Test
  void familyIsAnIndexedPf4jExtension() throws IOException {
    assertTrue(ConvNeXtFamily.class.isAnnotationPresent(Extension.class));
    List<String> indexed = new ArrayList<>();
    for (URL url : Collections.list(
        getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = url.openStream()) {
        indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      }
    }
    assertTrue(indexed.contains(ConvNeXtFamily.class.getName()), indexed.toString());
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
