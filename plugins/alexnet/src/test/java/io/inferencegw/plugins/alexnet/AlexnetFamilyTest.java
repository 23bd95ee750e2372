package io.inferencegw.plugins.alexnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.VariantSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

class AlexnetFamilyTest {

  private final AlexnetFamily family = new AlexnetFamily();

  @Test
  void catalogHasAlexnetWithTorchvisionsParameterCount() {
    assertEquals("alexnet", family.name());
    VariantSpec spec = family.requireVariant("alexnet");
    assertEquals(List.of("alexnet"), family.variants().stream().map(VariantSpec::name).toList());
    // AlexNet_Weights.IMAGENET1K_V1.meta["num_params"]
    assertEquals(61_100_840L, spec.parameters());
    assertEquals(List.of(3, 224, 224), spec.inputShape());
    assertEquals(1000, spec.numClasses());
  }

  @Test
  void preprocessingIsTorchvisionsImageClassificationPreset() {
    PreprocessSpec p = family.requireVariant("alexnet").preprocess();
    assertEquals(PreprocessSpec.imagenet(256, 224, PreprocessSpec.Interpolation.BILINEAR), p);
  }

  @Test
  void dropoutIsTheIdentityInEvalModeOnly() {
    torch.manual_seed(3);
    try (ClassifierModule model = family.build("alexnet");
        PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(2, 3, 224, 224);
      try (InferenceMode guard = new InferenceMode()) {
        model.eval();
        Tensor a = model.forward(x);
        assertEquals(List.of(2L, 1000L), List.of(a.size(0), a.size(1)));
        assertTrue(torch.isfinite(a).all().item_bool());
        assertTrue(torch.equal(a, model.forward(x)), "eval is deterministic");
        model.train(true);
        assertFalse(torch.equal(a, model.forward(x)), "dropout acts in train mode");
      }
    }
  }

  @Test
  void smallerInputsWorkThanksToTheAdaptivePool() {
    try (ClassifierModule model = family.build("alexnet");
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      model.eval();
      // torchvision's AlexNet_Weights meta: min_size (63, 63)
      assertEquals(1000, model.forward(torch.randn(1, 3, 63, 63)).size(1));
    }
  }

  @Test
  void unknownVariantIsRejectedWithTheKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> family.build("alexnet2"));
    assertTrue(e.getMessage().contains("[alexnet]"), e.getMessage());
  }

  @Test
  void familyIsAnIndexedPf4jExtension() throws IOException {
    assertTrue(AlexnetFamily.class.isAnnotationPresent(Extension.class));
    List<String> indexed = new ArrayList<>();
    for (URL url : Collections.list(
        getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = url.openStream()) {
        indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      }
    }
    assertTrue(indexed.contains(AlexnetFamily.class.getName()), indexed.toString());
  }
}
