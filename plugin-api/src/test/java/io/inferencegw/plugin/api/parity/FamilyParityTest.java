package io.inferencegw.plugin.api.parity;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
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
