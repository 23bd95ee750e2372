package io.inferencegw.plugin.api.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.testing.Await;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The parity tests of one family, to extend in the plugin's tests:
 *
 * <pre>{@code
 * class VggParityTest extends FamilyParityTest {
 *   VggParityTest() {
 *     super(new VggFamily(), "vgg11");   // numerical parity in the default run
 *   }
 * }
 * }</pre>
 *
 * <p>Every variant gets the structural check; numerical parity runs for the variants named in
 * the constructor, or as chosen by {@code -Dparity=}: {@code ci} (default), {@code all}, a
 * comma-separated list of variants, or {@code none}. Override {@link #reference} where a variant
 * is not the torchvision model of the same name.
 */
public abstract class FamilyParityTest {

  /** System property choosing the variants with numerical parity. */
  public static final String LEVEL = "parity";

  private final ModelFamily family;
  private final Set<String> numericalByDefault;
  private ParityHarness harness;

  protected FamilyParityTest(ModelFamily family, String... numericalByDefault) {
    this.family = family;
    this.numericalByDefault = new LinkedHashSet<>(Arrays.asList(numericalByDefault));
  }

  /** The PyTorch model {@code variant} is compared with; torchvision's of the same name. */
  protected Reference reference(String variant) {
    return Reference.torchvision(variant);
  }

  /**
   * The torchvision weights whose preprocessing {@code variant} serves with, as
   * {@code name[:WEIGHTS_MEMBER]} for {@code torchvision.models.get_model_weights}: the variant's
   * DEFAULT weights unless a family serves a variant for other weights.
   */
  protected String referenceWeights(String variant) {
    return variant;
  }

  public final ModelFamily family() {
    return family;
  }

  public final ParityHarness harness() {
    if (harness == null) {
      harness = ParityHarness.of(family, this::reference);
    }
    return harness;
  }

  @TestFactory
  Stream<DynamicTest> stateDictAndParameterCountMatchTheReference() {
    return family.variants().stream().map(v ->
        dynamicTest(v.name(), () -> harness().assertSameStructure(v.name())));
  }

  @TestFactory
  Stream<DynamicTest> logitsMatchTheReference() {
    return numericalVariants(family, numericalByDefault).stream().map(name ->
        dynamicTest(name, () -> harness().assertSameLogits(name)));
  }

  /**
   * Every variant preprocesses as torchvision's weights for it do (resize, crop, interpolation,
   * mean, std), so that those checkpoints, converted, classify as they do in torchvision.
   * Variants torchvision publishes no weights for are skipped.
   */
  @TestFactory
  Stream<DynamicTest> preprocessingIsThatOfTheReferenceWeights() throws Exception {
    TorchvisionOracle oracle = TorchvisionOracle.require();
    List<VariantSpec> variants = family.variants();
    JsonNode published = new ObjectMapper().readTree(oracle.runScript(
        TorchvisionOracle.WEIGHTS_PREPROCESS_SCRIPT,
        variants.stream().map(v -> referenceWeights(v.name())).toList()));
    return variants.stream().map(v -> dynamicTest(v.name(), () -> {
      JsonNode w = published.get(referenceWeights(v.name()));
      assumeTrue(w != null && !w.isNull(), "torchvision publishes no weights for " + v.name());
      PreprocessSpec p = v.preprocess();
      String where = v.name() + " vs " + w.get("weights").asText();
      assertEquals(w.get("resize_size").get(0).asInt(), p.resizeShorter(), where + ": resize");
      assertEquals(w.get("crop_size").get(0).asInt(), p.cropHeight(), where + ": crop");
      assertEquals(w.get("crop_size").get(0).asInt(), p.cropWidth(), where + ": crop");
      assertEquals(w.get("interpolation").asText(), p.interpolation().name().toLowerCase(
          Locale.ROOT), where + ": interpolation");
      for (int c = 0; c < 3; c++) {
        assertEquals(w.get("mean").get(c).asDouble(), p.mean()[c], 1e-6, where + ": mean");
        assertEquals(w.get("std").get(c).asDouble(), p.std()[c], 1e-6, where + ": std");
      }
      assertEquals(List.of(3, p.cropHeight(), p.cropWidth()), v.inputShape(), where);
    }));
  }

  /**
   * A built network must not depend on Java wrappers that only the build held: JavaCPP frees a
   * submodule whose wrapper is collected, and the next state_dict or forward pass then reads
   * freed memory (a JVM crash, not an exception). Collect garbage between build and use.
   */
  @Test
  void aBuiltNetworkSurvivesGarbageCollection() {
    VariantSpec spec = family.requireVariant(numericalByDefault.isEmpty()
        ? family.variants().get(0).name() : numericalByDefault.iterator().next());
    try (ClassifierModule model = family.build(spec.name())) {
      Await.garbageCollection();
      assertEquals(family.parameterCount(spec.name()), StateDict.parameterCount(model),
          spec.name());
      model.eval();
      try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
        long[] shape = LongStream.concat(LongStream.of(1),
            spec.inputShape().stream().mapToLong(Integer::longValue)).toArray();
        Tensor logits = model.forward(torch.randn(shape));
        assertArrayEquals(new long[] {1, spec.numClasses()}, logits.sizes().vec().get());
        assertTrue(torch.isfinite(logits).all().item_bool(), spec.name());
      }
    }
  }

  /** The variants {@code -Dparity} selects, in catalog order. */
  static List<String> numericalVariants(ModelFamily family, Set<String> byDefault) {
    List<String> all = family.variants().stream().map(VariantSpec::name).toList();
    String level = System.getProperty(LEVEL, "ci").trim();
    Set<String> chosen = switch (level) {
      case "ci", "" -> byDefault;
      case "all" -> Set.copyOf(all);
      case "none" -> Set.of();
      default -> new LinkedHashSet<>(Arrays.asList(level.split("\\s*,\\s*")));
    };
    // A list may name variants of several families (one -Dparity for the whole build): names
    // of other families are ignored here, and reported in case they are typos.
    chosen.stream().filter(name -> !all.contains(name) && !level.equals("ci"))
        .forEach(name -> System.out.println(
            "parity: " + family.name() + " has no variant '" + name + "', ignored"));
    return all.stream().filter(chosen::contains).toList();
  }
}
