package io.inferencegw.plugin.api.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

/**
 * What every family must do, to extend in each plugin's {@code *FamilyTest}, which adds what is
 * particular to its family:
 *
 * <pre>{@code
 * class VggFamilyTest extends FamilyContractTest {
 *   VggFamilyTest() {
 *     super(new VggFamily(), "vgg11_bn");
 *   }
 *
 *   // VGG*_Weights.IMAGENET1K_V1.meta["num_params"] in torchvision 0.14
 *   protected Map<String, Long> publishedParameterCounts() {
 *     return ordered("vgg11", 132_863_336L, ...);
 *   }
 * }
 * }</pre>
 *
 * <p>Needs no Python: the parity tests compare with the reference itself.
 */
public abstract class FamilyContractTest {

  private final ModelFamily family;
  private final String forwardVariant;

  /**
   * @param family the family under test
   * @param forwardVariant the variant the tests build and run (a small one keeps them quick)
   */
  protected FamilyContractTest(ModelFamily family, String forwardVariant) {
    this.family = family;
    this.forwardVariant = forwardVariant;
  }

  /**
   * Every variant, in catalog order, with its parameter count as the reference publishes it
   * (torchvision's {@code Weights.meta["num_params"]}, or timm's): an account of the network
   * that does not come from our code.
   */
  protected abstract Map<String, Long> publishedParameterCounts();

  /**
   * The input the forward test gives {@link #forwardVariant}, without the batch dimension: its
   * native size unless a smaller one is as valid for the network and quicker.
   */
  protected long[] forwardInputShape() {
    return family.requireVariant(forwardVariant).inputShape().stream()
        .mapToLong(Integer::longValue).toArray();
  }

  /**
   * Makes a freshly built {@link #forwardVariant} fit for the forward test. Nothing by default;
   * a family whose reference initialises its classifier to zero (torchvision's ViT: every
   * input then gives zero logits) gives it random weights here, so that the test can still see
   * the logits follow the input.
   */
  protected void beforeForward(ClassifierModule model) {}

  /** {@code name1, count1, name2, count2, ...} as a map in that order. */
  protected static Map<String, Long> ordered(Object... namesAndCounts) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndCounts.length; i += 2) {
      out.put((String) namesAndCounts[i], ((Number) namesAndCounts[i + 1]).longValue());
    }
    return out;
  }

  protected final ModelFamily family() {
    return family;
  }

  @Test
  void catalogHasThePublishedVariantsWithTheirParameterCounts() {
    Map<String, Long> counted = new LinkedHashMap<>();
    family.variants().forEach(v -> counted.put(v.name(), family.parameterCount(v.name())));
    assertEquals(publishedParameterCounts(), counted);
  }

  @Test
  void theCountWithoutStorageIsThatOfTheBuiltNetwork() {
    try (ClassifierModule model = family.build(forwardVariant)) {
      assertEquals(StateDict.parameterCount(model), family.parameterCount(forwardVariant));
    }
  }

  @Test
  void everyVariantTakesWhatItsPreprocessingYields() {
    for (VariantSpec v : family.variants()) {
      assertEquals(List.of(v.preprocess().color().channels(), v.preprocess().cropHeight(),
          v.preprocess().cropWidth()), v.inputShape(), v.name());
    }
  }

  @Test
  void forwardGivesFiniteDeterministicLogitsInEvalMode() {
    VariantSpec spec = family.requireVariant(forwardVariant);
    try (ClassifierModule model = family.build(forwardVariant);
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      beforeForward(model);
      model.eval();
      long[] shape = LongStream.concat(LongStream.of(2), LongStream.of(forwardInputShape()))
          .toArray();
      Tensor x = torch.randn(shape);
      Tensor logits = model.forward(x);
      assertArrayEquals(new long[] {2, spec.numClasses()}, logits.sizes().vec().get());
      assertTrue(torch.isfinite(logits).all().item_bool(), "finite logits");
      assertTrue(torch.equal(logits, model.forward(x)), "the same input, the same logits");
      assertFalse(torch.equal(logits, model.forward(x.add(new Scalar(0.5)))),
          "another input, other logits");
    }
  }

  @Test
  void unknownVariantIsRejectedWithTheKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> family.build("no-such-variant"));
    for (VariantSpec v : family.variants()) {
      assertTrue(e.getMessage().contains(v.name()), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> family.parameterCount("no-such-variant"));
  }

  @Test
  void familyIsAnIndexedPf4jExtension() throws IOException {
    assertTrue(family.getClass().isAnnotationPresent(Extension.class));
    List<String> indexed = new ArrayList<>();
    for (URL url : Collections.list(
        family.getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = url.openStream()) {
        indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      }
    }
    assertTrue(indexed.contains(family.getClass().getName()), indexed.toString());
  }
}
