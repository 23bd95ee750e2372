package io.inferencegw.plugins.dpn;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.parity.ParityHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Numerical parity with timm 1.0.9, which the build does not have: runs only with
 * {@code -Ddpn.timm.reference=DIR}, where {@code DIR/<variant>/} holds what plugin-api's
 * {@code parity_reference.py} writes for timm's model (seeded fan-in-scaled weights, BatchNorm
 * statistics from a train-mode pass, a batch of 2 structured 224x224 images, eval-mode
 * logits), generated outside the repository with timm on the Python path:
 *
 * <pre>
 * PYTHONPATH=/path/to/timm-1.0.9 /usr/bin/python3 plugin-api/src/test/python/parity_reference.py \
 *   --out DIR --input-shape 3,224,224 --import timm "dpn68=timm.create_model('dpn68')" ...
 * mvn test -Dtest=DpnTimmParityTest -Ddpn.timm.reference=DIR
 * </pre>
 *
 * Same tolerance as the torchvision parity tests; variants without a directory are skipped.
 */
class DpnTimmParityTest {

  public static final String PROPERTY = "dpn.timm.reference";

  private final DpnFamily family = new DpnFamily();

  @TestFactory
  Stream<DynamicTest> logitsMatchTimm() {
    String root = System.getProperty(PROPERTY);
    ParityHarness harness = ParityHarness.of(family);
    return family.variants().stream().map(VariantSpec::name).map(name ->
        dynamicTest(name, () -> {
          assumeTrue(root != null, "set -D" + PROPERTY + "=DIR to compare with timm's logits");
          Path dir = Path.of(root, name);
          assumeTrue(Files.isRegularFile(dir.resolve("logits.safetensors")), "no " + dir);
          harness.assertSameLogits(name, dir);
        }));
  }
}
