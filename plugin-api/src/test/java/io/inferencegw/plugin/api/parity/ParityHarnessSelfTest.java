package io.inferencegw.plugin.api.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.weights.SafetensorsReader;
import java.nio.file.Files;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guards the guard: the harness must catch the mistakes it exists for, and the reference data
 * must be of the kind that exposes them (BatchNorm not an identity, reproducible files).
 */
class ParityHarnessSelfTest {

  private static final List<Integer> SHAPE = List.of(3, 32, 32);

  private final ParityHarness broken =
      ParityHarness.of(new DemoFamily(DemoFamily.BROKEN), v -> DemoFamily.REFERENCE);

  /**
   * Every check here compares with the reference. Required before each test (each is then
   * reported skipped where it is missing), not where the harness asks for it: inside
   * {@code assertThrows} a missing reference would be an unexpected exception, a failure
   * instead of a skip.
   */
  @BeforeEach
  void needsTheReference() {
    TorchvisionOracle.require();
  }

  @Test
  void aWrongBatchNormEpsIsCaughtNumerically() {
    ParityResult result = broken.measure("blocks_demo_wrong_eps");
    assertFalse(result.passed(), result.tableRow());
    assertTrue(result.maxAbsDiff() > 10 * result.tolerance(), result.tableRow());
  }

  @Test
  void aMissingBiasIsCaughtStructurally() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> broken.assertSameStructure("blocks_demo_missing_bias"));
    assertTrue(e.getMessage().contains("missing (1): [body.3.0.bias]"), e.getMessage());
  }

  @Test
  void referenceBatchNormsHaveNonTrivialStatisticsAndScales() throws Exception {
    try (ReferenceRun run = TorchvisionOracle.require().run(DemoFamily.REFERENCE, SHAPE);
        SafetensorsReader weights = SafetensorsReader.open(run.weights());
        PointerScope scope = new PointerScope()) {
      for (String bn : List.of("body.0.1", "body.1.1", "body.2.1")) {
        Tensor mean = weights.toTensor(bn + ".running_mean");
        Tensor var = weights.toTensor(bn + ".running_var");
        Tensor scale = weights.toTensor(bn + ".weight");
        assertTrue(mean.abs().max().item_float() > 0.05, bn + " running_mean is ~0");
        assertTrue(var.sub(new Scalar(1.0)).abs().max().item_float() > 0.05,
            bn + " running_var is ~1");
        assertTrue(scale.sub(new Scalar(1.0)).abs().max().item_float() > 0.05,
            bn + " weight is ~1");
        assertEquals(1L, weights.toTensor(bn + ".num_batches_tracked").item_long());
      }
      Tensor logits = ParityHarness.read(run.logits(), "logits");
      float rowDifference = logits.select(0, 0).sub(logits.select(0, 1)).abs().max().item_float();
      assertTrue(rowDifference > 1e-2 * (1 + logits.abs().max().item_float()),
          "the two reference rows barely differ: " + rowDifference);
      assertTrue(torch.isfinite(logits).all().item_bool());
    }
  }

  @Test
  void referenceFilesAreReproducible() throws Exception {
    TorchvisionOracle oracle = TorchvisionOracle.require();
    try (ReferenceRun first = oracle.run(DemoFamily.REFERENCE, SHAPE);
        ReferenceRun second = oracle.run(DemoFamily.REFERENCE, SHAPE)) {
      assertArrayEquals(Files.readAllBytes(first.weights()), Files.readAllBytes(second.weights()));
      assertArrayEquals(Files.readAllBytes(first.input()), Files.readAllBytes(second.input()));
      assertArrayEquals(Files.readAllBytes(first.logits()), Files.readAllBytes(second.logits()));
    }
  }
}
