package io.inferencegw.plugin.api.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.parity.ReferenceStructure.Entry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The harness's decisions, without Python. */
class ParityComparisonTest {

  private static final float[] REF = {0.1f, 5f, 4f, 3f, 2f, 1f, 0.5f};

  @Test
  void topKIsOrderedByValueThenIndex() {
    assertArrayEquals(new int[] {1, 2, 3, 4, 5}, ParityHarness.top(REF, 5));
    assertArrayEquals(new int[] {0, 1}, ParityHarness.top(new float[] {1f, 1f, 0f}, 2));
  }

  @Test
  void top5AgreesRankByRankOrWithinATie() {
    assertTrue(ParityHarness.sameTop5(REF, REF.clone(), 1e-4));
    // Ranks 2 and 3 tie within the tolerance in the reference and come out swapped in ours.
    assertTrue(ParityHarness.sameTop5(new float[] {0.1f, 5f, 4f, 3.99995f, 2f, 1f, 0.5f},
        new float[] {0.1f, 5f, 3.99995f, 4f, 2f, 1f, 0.5f}, 1e-4));
    assertFalse(ParityHarness.sameTop5(REF,
        new float[] {0.1f, 5f, 3f, 4f, 2f, 1f, 0.5f}, 1e-4), "a real swap");
    assertFalse(ParityHarness.sameTop5(REF,
        new float[] {0.1f, 5f, 4f, 3f, 2f, 0.5f, 1f}, 1e-4), "a different fifth class");
  }

  @Test
  void compareReportsTheLargestDifferenceAndRelativeTolerance() {
    float[] expected = {1f, -10f, 2f, 3f};
    float[] actual = {1f, -10.0005f, 2f, 3.0001f};
    ParityResult r = ParityHarness.compare("v", "ref", 42, expected, actual, 2, 2);
    assertEquals(5e-4, r.maxAbsDiff(), 1e-6);
    assertEquals(10, r.maxAbsReference(), 0);
    assertEquals(1.1e-3, r.tolerance(), 1e-12);
    assertEquals(2, r.rowsWithSameTop5());
    assertTrue(r.passed());
    ParityResult nan = ParityHarness.compare(
        "v", "ref", 42, expected, new float[] {Float.NaN, -10f, 2f, 3f}, 2, 2);
    assertFalse(nan.passed(), "NaN never passes");
  }

  @Test
  void structureDifferencesAreSpelledOut() {
    Entry a = new Entry("a.weight", List.of(2L, 3L), "F32");
    Entry b = new Entry("a.bias", List.of(2L), "F32");
    Entry c = new Entry("n.num_batches_tracked", List.of(), "I64");
    String missing = ParityHarness.describeDifference(List.of(a, b, c), List.of(a, c));
    assertTrue(missing.contains("missing (1): [a.bias]"), missing);
    String shape = ParityHarness.describeDifference(
        List.of(a, b), List.of(new Entry("a.weight", List.of(3L, 2L), "F32"), b));
    assertTrue(shape.contains("expected a.weight [2, 3] F32, found a.weight [3, 2] F32"), shape);
    String order = ParityHarness.describeDifference(List.of(a, b, c), List.of(b, a, c));
    assertTrue(order.contains("different order: at position 0 expected a.weight, found a.bias"),
        order);
  }

  @Test
  void theParityPropertyChoosesTheNumericalVariants() {
    DemoFamily family = new DemoFamily(DemoFamily.BROKEN);
    String saved = System.getProperty(FamilyParityTest.LEVEL);
    try {
      System.clearProperty(FamilyParityTest.LEVEL);
      assertEquals(List.of("blocks_demo_missing_bias"), FamilyParityTest.numericalVariants(
          family, Set.of("blocks_demo_missing_bias")));
      System.setProperty(FamilyParityTest.LEVEL, "all");
      assertEquals(List.of("blocks_demo_wrong_eps", "blocks_demo_missing_bias"),
          FamilyParityTest.numericalVariants(family, Set.of()));
      System.setProperty(FamilyParityTest.LEVEL, "vgg11, blocks_demo_wrong_eps");
      assertEquals(List.of("blocks_demo_wrong_eps"),
          FamilyParityTest.numericalVariants(family, Set.of()));
      System.setProperty(FamilyParityTest.LEVEL, "none");
      assertEquals(List.of(), FamilyParityTest.numericalVariants(family, Set.of("x")));
    } finally {
      if (saved == null) {
        System.clearProperty(FamilyParityTest.LEVEL);
      } else {
        System.setProperty(FamilyParityTest.LEVEL, saved);
      }
    }
  }
}
