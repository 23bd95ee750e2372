package io.inferencegw.plugin.api.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.MetaBuild;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import io.inferencegw.plugin.api.weights.WeightLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Checks a family's variants against their PyTorch reference. See the package documentation
 * for how a plugin uses it; {@link FamilyParityTest} wraps it for JUnit.
 *
 * <p>Both checks build the variant with {@link ModelFamily#buildForLoading}, as the weights
 * are either not looked at or all replaced by the reference's.
 *
 * <p>Structure: the variant's {@link StateDict}, built without storage as the catalog counts
 * it, has the reference state_dict's keys in the same order with the same shapes and dtypes,
 * and its parameter count and the reference's {@code sum(p.numel())} are equal.
 *
 * <p>Logits: with the reference's randomised weights loaded by {@link WeightLoader#loadStrict},
 * in eval mode under {@link InferenceMode}, our logits for the reference input differ by at most
 * {@code 1e-4 * (1 + max|reference logit|)}, and every row has the same top-5 classes in the
 * same order (two classes whose reference logits are within the tolerance count as a tie).
 */
public final class ParityHarness {

  /** Results of numerical checks are appended here (relative to the module directory). */
  public static final Path RESULTS = Path.of("target", "parity-results.md");

  /**
   * System property: {@code -Dparity.bf16=true} also runs every numerical check's network in
   * bf16 and reports its top-1 and top-5 agreement with float32 (see
   * {@link PrecisionAgreement}). Off by default: where the CPU emulates bf16, the extra forward
   * pass costs more than the float32 check itself for the large networks (vgg11, wide ResNet).
   */
  public static final String BF16 = "parity.bf16";

  private final ModelFamily family;
  private final Function<String, Reference> references;
  private Map<String, ReferenceStructure> structures;

  private ParityHarness(ModelFamily family, Function<String, Reference> references) {
    this.family = family;
    this.references = references;
  }

  /** Each variant against the torchvision model of the same name. */
  public static ParityHarness of(ModelFamily family) {
    return of(family, Reference::torchvision);
  }

  public static ParityHarness of(ModelFamily family, Function<String, Reference> references) {
    return new ParityHarness(family, references);
  }

  public ModelFamily family() {
    return family;
  }

  /**
   * Keys in order, shapes, dtypes and parameter counts against the reference, read from the
   * variant built without storage ({@link MetaBuild}: no memory, no initialisation), which is
   * also how the catalog counts parameters. The numerical check builds for real and loads the
   * reference's weights key for key, so the two builds are compared there.
   */
  public void assertSameStructure(String variant) {
    family.requireVariant(variant);
    ReferenceStructure ours = MetaBuild.inspect(() -> family.buildForLoading(variant),
        model -> ReferenceStructure.of(variant, model));
    TorchvisionOracle oracle = TorchvisionOracle.require();
    assertStructure(ours, structures(oracle).get(references.apply(variant).label()));
  }

  /** The numerical comparison; returns the result after asserting it passed. */
  public ParityResult assertSameLogits(String variant) {
    ParityResult result = measure(variant);
    result.appendTo(RESULTS);
    assertTrue(result.maxAbsDiff() <= result.tolerance(), () -> String.format(
        "%s: max |ours - reference| = %.3e > tolerance %.3e (max |reference| %.3f)",
        variant, result.maxAbsDiff(), result.tolerance(), result.maxAbsReference()));
    assertEquals(result.rows(), result.rowsWithSameTop5(),
        variant + ": top-5 classes differ from the reference in some rows");
    return result;
  }

  /**
   * Runs the reference and our module on the same weights and input and compares the logits,
   * without asserting the outcome (the structure must match, or the weights cannot load).
   */
  public ParityResult measure(String variant) {
    VariantSpec spec = family.requireVariant(variant);
    TorchvisionOracle oracle = TorchvisionOracle.require();
    Reference reference = references.apply(variant);
    ParityResult result;
    try (ReferenceRun run = oracle.run(reference, spec.inputShape())) {
      result = measure(variant, reference.label(), run.structure(), run.weights(), run.input(),
          run.logits());
    }
    System.out.println("PARITY " + result.tableRow());
    return result;
  }

  /**
   * The numerical check against reference files that parity_reference.py wrote outside this
   * build, for a reference the build cannot run itself (a timm model, say): {@code dir} holds
   * {@code structure.json}, {@code weights.safetensors}, {@code input.safetensors} (whose shape
   * must be the variant's input) and {@code logits.safetensors}. The files are left in place.
   */
  public ParityResult assertSameLogits(String variant, Path dir) {
    ReferenceStructure structure = ReferenceStructure.read(dir.resolve("structure.json"));
    ParityResult result = measure(variant, structure.label(), structure,
        dir.resolve("weights.safetensors"), dir.resolve("input.safetensors"),
        dir.resolve("logits.safetensors"));
    System.out.println("PARITY " + result.tableRow());
    result.appendTo(RESULTS);
    assertTrue(result.passed(), () -> variant + ": " + result.tableRow());
    return result;
  }

  /**
   * The structural check against a reference structure from elsewhere, e.g. a
   * {@code structure.json} committed with the tests because the reference (timm) is not
   * available to the build.
   */
  public static void assertSameStructure(
      String variant, ClassifierModule model, ReferenceStructure reference) {
    assertStructure(ReferenceStructure.of(variant, model), reference);
  }

  private ParityResult measure(String variant, String label, ReferenceStructure structure,
      Path weights, Path inputFile, Path logitsFile) {
    VariantSpec spec = family.requireVariant(variant);
    try (ClassifierModule model = family.buildForLoading(variant);
        PointerScope scope = new PointerScope()) {
      assertStructure(ReferenceStructure.of(variant, model), structure);
      WeightLoader.loadStrict(model, weights);
      model.eval();
      Tensor input = read(inputFile, "input");
      float[] expected = toFloats(read(logitsFile, "logits"));
      Tensor logits;
      try (InferenceMode guard = new InferenceMode()) {
        logits = model.forward(input);
      }
      int rows = (int) input.size(0);
      assertEquals(List.of((long) rows, (long) spec.numClasses()),
          Arrays.stream(logits.sizes().vec().get()).boxed().toList(), variant + ": logits shape");
      float[] ours = toFloats(logits);
      ParityResult fp32 = compare(variant, label, StateDict.parameterCount(model),
          expected, ours, rows, spec.numClasses());
      if (!Boolean.getBoolean(BF16)) {
        return fp32;
      }
      // The same weights and input once more in bf16, against our float32 logits: what the
      // gateway's precision setting changes in each family's answers.
      return fp32.withBf16(PrecisionAgreement.measure(
          model, input, ours, spec.numClasses(), ScalarType.BFloat16));
    }
  }

  private synchronized Map<String, ReferenceStructure> structures(TorchvisionOracle oracle) {
    if (structures == null) {
      Map<String, Reference> unique = new LinkedHashMap<>();
      for (VariantSpec v : family.variants()) {
        Reference r = references.apply(v.name());
        unique.put(r.label(), r);
      }
      structures = oracle.structures(List.copyOf(unique.values()));
    }
    return structures;
  }

  static void assertStructure(ReferenceStructure ours, ReferenceStructure ref) {
    String variant = ours.label();
    if (!ours.stateDict().equals(ref.stateDict())) {
      throw new AssertionError(variant + ": state_dict differs from " + ref.label() + "\n"
          + describeDifference(ref.stateDict(), ours.stateDict()));
    }
    assertEquals(ref.parameters(), ours.parameters(),
        variant + ": parameter count vs " + ref.label());
  }

  /** Missing, unexpected and mismatching entries, or the first position where order differs. */
  static String describeDifference(
      List<ReferenceStructure.Entry> expected, List<ReferenceStructure.Entry> actual) {
    Map<String, ReferenceStructure.Entry> want = new LinkedHashMap<>();
    expected.forEach(e -> want.put(e.key(), e));
    Map<String, ReferenceStructure.Entry> have = new LinkedHashMap<>();
    actual.forEach(e -> have.put(e.key(), e));
    StringBuilder s = new StringBuilder();
    Set<String> missing = new LinkedHashSet<>(want.keySet());
    missing.removeAll(have.keySet());
    Set<String> unexpected = new LinkedHashSet<>(have.keySet());
    unexpected.removeAll(want.keySet());
    if (!missing.isEmpty()) {
      s.append("missing (").append(missing.size()).append("): ").append(missing).append('\n');
    }
    if (!unexpected.isEmpty()) {
      s.append("unexpected (").append(unexpected.size()).append("): ").append(unexpected)
          .append('\n');
    }
    want.forEach((key, e) -> {
      ReferenceStructure.Entry o = have.get(key);
      if (o != null && !o.equals(e)) {
        s.append("mismatch: expected ").append(e).append(", found ").append(o).append('\n');
      }
    });
    if (s.length() == 0) {
      for (int i = 0; i < expected.size(); i++) {
        if (!expected.get(i).key().equals(actual.get(i).key())) {
          s.append("same keys, different order: at position ").append(i).append(" expected ")
              .append(expected.get(i).key()).append(", found ").append(actual.get(i).key());
          break;
        }
      }
    }
    return s.toString();
  }

  static ParityResult compare(String variant, String reference, long parameters,
      float[] expected, float[] actual, int rows, int classes) {
    assertEquals(expected.length, actual.length, variant + ": number of logits");
    double maxRef = 0;
    double maxDiff = 0;
    for (int i = 0; i < expected.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(expected[i]));
      double diff = Math.abs((double) expected[i] - actual[i]);
      maxDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : Math.max(maxDiff, diff);
    }
    double tolerance = ParityResult.RELATIVE_TOLERANCE * (1 + maxRef);
    int agreeing = 0;
    for (int r = 0; r < rows; r++) {
      float[] ref = Arrays.copyOfRange(expected, r * classes, (r + 1) * classes);
      float[] ours = Arrays.copyOfRange(actual, r * classes, (r + 1) * classes);
      if (sameTop5(ref, ours, tolerance)) {
        agreeing++;
      }
    }
    return new ParityResult(
        variant, reference, parameters, maxDiff, maxRef, tolerance, rows, agreeing, null);
  }

  /** Rank by rank the same class, or classes whose reference logits tie within tolerance. */
  static boolean sameTop5(float[] reference, float[] ours, double tolerance) {
    int[] want = top(reference, 5);
    int[] have = top(ours, 5);
    for (int rank = 0; rank < want.length; rank++) {
      if (want[rank] != have[rank]
          && Math.abs(reference[want[rank]] - reference[have[rank]]) > tolerance) {
        return false;
      }
    }
    return true;
  }

  static int[] top(float[] values, int k) {
    return IntStream.range(0, values.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> values[i]).reversed()
            .thenComparing(i -> i))
        .limit(k).mapToInt(Integer::intValue).toArray();
  }

  static Tensor read(Path file, String name) {
    try (SafetensorsReader reader = SafetensorsReader.open(file)) {
      return reader.toTensor(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float[] toFloats(Tensor t) {
    try (PointerScope scope = new PointerScope()) {
      Tensor c = t.to(ScalarType.Float).contiguous();
      float[] out = new float[(int) c.numel()];
      FloatPointer data = c.data_ptr_float();
      data.get(out);
      return out;
    }
  }
}
