package io.inferencegw.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code precision} and {@code precision_min_top1_agreement} keys of a model entry. */
class PrecisionConfigTest {

  @TempDir Path dir;

  private ModelConfig load(String extraKeys) throws Exception {
    Files.write(dir.resolve("w.safetensors"), new byte[] {0});
    Path f = dir.resolve("gateway.yaml");
    Files.writeString(f, "models:\n  - {name: m, family: f, variant: v, weights: w.safetensors"
        + (extraKeys.isEmpty() ? "" : ", " + extraKeys) + "}\n");
    return ConfigLoader.load(f, Path.of("p")).models().get(0);
  }

  @Test
  void precisionIsFp32WithTheDefaultBoundUnlessSet() throws Exception {
    ModelConfig m = load("");
    assertEquals(Precision.FP32, m.precision());
    assertFalse(m.precision().reduced());
    assertEquals(ModelConfig.DEFAULT_MIN_TOP1_AGREEMENT, m.precisionMinTop1Agreement());
  }

  @ParameterizedTest
  @CsvSource({"fp32, FP32", "bf16, BF16", "fp16, FP16", "BF16, BF16", "' Fp16 ', FP16"})
  void eachPrecisionIsRead(String written, Precision expected) throws Exception {
    ModelConfig m = load("precision: " + written);
    assertEquals(expected, m.precision());
    assertEquals(!written.equalsIgnoreCase("fp32"), m.precision().reduced());
  }

  @Test
  void theAgreementBoundIsRead() throws Exception {
    assertEquals(0.75, load("precision: bf16, precision_min_top1_agreement: 0.75")
        .precisionMinTop1Agreement());
    assertEquals(1.0, load("precision_min_top1_agreement: 1").precisionMinTop1Agreement());
    assertEquals(0.0, load("precision_min_top1_agreement: 0").precisionMinTop1Agreement());
  }

  @ParameterizedTest
  @ValueSource(strings = {"int8", "fp64", "float16", "'16'"})
  void anUnknownPrecisionIsRefusedWithTheAcceptedValues(String written) {
    ConfigException e = assertThrows(ConfigException.class, () -> load("precision: " + written));
    assertTrue(e.getMessage().contains("'precision' must be fp32, bf16 or fp16, got '"),
        e.getMessage());
    assertTrue(e.getMessage().contains("(m)"), "names the model: " + e.getMessage());
  }

  @Test
  void aPrecisionThatIsNotAStringIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("precision: 16"));
    assertTrue(e.getMessage().contains("'precision'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.01", "-0.1", "high", ".nan", "2"})
  void anAgreementBoundOutsideZeroToOneIsRefused(String written) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load("precision: bf16, precision_min_top1_agreement: " + written));
    assertTrue(e.getMessage().contains("precision_min_top1_agreement must be a number from 0 to 1"),
        e.getMessage());
  }

  @Test
  void theRecordRefusesABoundOutsideZeroToOne() {
    ModelConfig m = new ModelConfig("m", "f", "v", ResourceRef.file(dir.resolve("w")),
        java.util.Optional.empty(), java.util.List.of("cpu"), 1, BatchingConfig.DEFAULT);
    assertThrows(ConfigException.class, () -> m.withPrecision(Precision.BF16, 1.5));
    assertThrows(ConfigException.class, () -> m.withPrecision(Precision.BF16, Double.NaN));
    assertEquals(Precision.BF16, m.withPrecision(Precision.BF16, 0.5).precision());
  }
}
