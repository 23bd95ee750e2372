package io.inferencegw.plugins.mnasnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.InvertedResidual;
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

class MnasnetFamilyTest {

  private final MnasnetFamily family = new MnasnetFamily();

  @Test
  void catalogHasTorchvisionsVariantsAndParameterCounts() {
    // MNASNet*_Weights meta["num_params"] in torchvision 0.14
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("mnasnet0_5", 2_218_512L);
    expected.put("mnasnet0_75", 3_170_208L);
    expected.put("mnasnet1_0", 4_383_312L);
    expected.put("mnasnet1_3", 6_282_256L);
    Map<String, Long> actual = new LinkedHashMap<>();
    family.variants().forEach(v -> actual.put(v.name(), v.parameters()));
    assertEquals(expected, actual);
    // The transforms of MNASNet*_Weights.IMAGENET1K_V1 in torchvision 0.14: 0.75 and 1.3 were
    // trained later with the new recipe (resize 232), 0.5 and 1.0 with the old one (256); all
    // bilinear, crop 224, ImageNet mean and std.
    Map<String, PreprocessSpec> transforms = new LinkedHashMap<>();
    transforms.put("mnasnet0_5", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR));
    transforms.put("mnasnet0_75", PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR));
    transforms.put("mnasnet1_0", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR));
    transforms.put("mnasnet1_3", PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR));
    Map<String, PreprocessSpec> preprocess = new LinkedHashMap<>();
    family.variants().forEach(v -> preprocess.put(v.name(), v.preprocess()));
    assertEquals(transforms, preprocess);
    for (VariantSpec v : family.variants()) {
      assertEquals(List.of(3, 224, 224), v.inputShape(), v.name());
    }
  }

  @Test
  void depthsRoundToEightPreferringUp() {
    // torchvision's _get_depths
    assertArrayEquals(new int[] {16, 8, 16, 24, 40, 48, 96, 160}, MNASNet.depths(0.5));
    assertArrayEquals(new int[] {24, 16, 24, 32, 64, 72, 144, 240}, MNASNet.depths(0.75));
    assertArrayEquals(new int[] {40, 24, 32, 56, 104, 128, 248, 416}, MNASNet.depths(1.3));
  }

  @Test
  void batchNormsUseTensorFlowsMomentum() {
    assertEquals(0.0003, MNASNet.BN_MOMENTUM, 1e-12);
    InvertedResidual block = MNASNet.stacks(MNASNet.depths(1.0)).get(0).get(1).build();
    try (PointerScope scope = new PointerScope()) {
      List<String> keys = List.copyOf(StateDict.of(block).keySet());
      assertEquals("layers.0.weight", keys.get(0));
      assertTrue(block.usesResidual());
    }
    assertTrue(block.toString().contains("residual=true"));
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(2);
    try (ClassifierModule model = family.build("mnasnet1_0");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      Tensor w = sd.get("classifier.1.weight");
      assertTrue(w.abs().max().item_double() <= Math.sqrt(3.0 / 1000));
      assertEquals(Math.sqrt(1.0 / 1000), w.std().item_double(), 1e-3);
      assertEquals(Math.sqrt(2.0 / 1280), sd.get("layers.14.weight").std().item_double(), 2e-3);
    }
  }

  @Test
  void forwardGivesFiniteDeterministicLogitsInEvalMode() {
    try (ClassifierModule model = family.build("mnasnet0_75");
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
        assertThrows(IllegalArgumentException.class, () -> family.build("mnasnet2_0"));
    assertTrue(e.getMessage().contains("mnasnet1_3"), e.getMessage());
  }

  @Test
  void familyIsAnIndexedPf4jExtension() throws IOException {
    assertTrue(MnasnetFamily.class.isAnnotationPresent(Extension.class));
    List<String> indexed = new ArrayList<>();
    for (URL url : Collections.list(
        getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = url.openStream()) {
        indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      }
    }
    assertTrue(indexed.contains(MnasnetFamily.class.getName()), indexed.toString());
  }

  static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
