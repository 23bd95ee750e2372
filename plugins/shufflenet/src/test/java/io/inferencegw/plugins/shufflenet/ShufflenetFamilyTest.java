package io.inferencegw.plugins.shufflenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.ChannelShuffle;
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
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

class ShufflenetFamilyTest {

  private final ShufflenetFamily family = new ShufflenetFamily();

  @Test
  void catalogHasTorchvisionsVariantsAndParameterCounts() {
    // ShuffleNet_V2_*_Weights meta["num_params"] in torchvision 0.14
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("shufflenet_v2_x0_5", 1_366_792L);
    expected.put("shufflenet_v2_x1_0", 2_278_604L);
    expected.put("shufflenet_v2_x1_5", 3_503_624L);
    expected.put("shufflenet_v2_x2_0", 7_393_996L);
    Map<String, Long> actual = new LinkedHashMap<>();
    family.variants().forEach(v -> actual.put(v.name(), v.parameters()));
    assertEquals(expected, actual);
    for (VariantSpec v : family.variants()) {
      assertEquals(List.of(3, 224, 224), v.inputShape(), v.name());
      int resize = v.name().endsWith("x1_5") || v.name().endsWith("x2_0") ? 232 : 256;
      assertEquals(PreprocessSpec.imagenet(resize, 224, Interpolation.BILINEAR), v.preprocess(),
          v.name());
    }
  }

  @Test
  void strideOneUnitsPassHalfTheChannelsThroughAndShuffle() {
    ShuffleUnit unit = new ShuffleUnit(8, 8, 1);
    unit.eval();
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      assertFalse(StateDict.of(unit).keySet().stream().anyMatch(k -> k.startsWith("branch1")));
      Tensor x = torch.randn(2, 8, 5, 5);
      Tensor out = unit.forward(x);
      // even output channels are the untouched first half of the input
      for (int c = 0; c < 4; c++) {
        assertTrue(torch.equal(out.select(1, 2 * c), x.select(1, c)), "channel " + c);
      }
      // as torchvision: cat(x1, branch2(x2)) then channel_shuffle(2)
      TensorVector halves = x.chunk(2, 1);
      Tensor reference = ChannelShuffle.shuffle(torch.cat(
          new TensorVector(halves.get(0), unit.branch2().forward(halves.get(1))), 1), 2);
      assertTrue(torch.equal(reference, out));
    }
  }

  @Test
  void strideTwoUnitsHaveBothBranchesAndHalveTheSize() {
    ShuffleUnit unit = new ShuffleUnit(24, 48, 2);
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Map<String, Tensor> sd = StateDict.of(unit);
      assertEquals(List.of(24L, 1L, 3L, 3L), shape(sd.get("branch1.0.weight")));
      assertEquals(List.of(24L, 24L, 1L, 1L), shape(sd.get("branch1.2.weight")));
      assertEquals(List.of(24L, 24L, 1L, 1L), shape(sd.get("branch2.0.weight")));
      assertEquals(ShuffleUnit.parameterCount(24, 48, 2), StateDict.parameterCount(unit));
      assertEquals(List.of(1L, 48L, 4L, 4L), shape(unit.forward(torch.randn(1, 24, 8, 8))));
    }
  }

  @Test
  void forwardGivesFiniteDeterministicLogitsInEvalMode() {
    try (ClassifierModule model = family.build("shufflenet_v2_x1_0");
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
        assertThrows(IllegalArgumentException.class, () -> family.build("shufflenet_v2_x3_0"));
    assertTrue(e.getMessage().contains("shufflenet_v2_x2_0"), e.getMessage());
  }

  @Test
  void familyIsAnIndexedPf4jExtension() throws IOException {
    assertTrue(ShufflenetFamily.class.isAnnotationPresent(Extension.class));
    List<String> indexed = new ArrayList<>();
    for (URL url : Collections.list(
        getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = url.openStream()) {
        indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      }
    }
    assertTrue(indexed.contains(ShufflenetFamily.class.getName()), indexed.toString());
  }

  static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
