package io.inferencegw.plugins.mobilenet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferencegw.plugin.api.parity.ParityHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Numerical parity of mobilenet_v1 with timm 1.0.9's {@code mobilenetv1_100}, which the build
 * does not have: runs only with {@code -Dmobilenet.timm.reference=DIR}, where
 * {@code DIR/mobilenet_v1/} holds what plugin-api's {@code parity_reference.py} writes for timm's
 * model (seeded fan-in-scaled weights, BatchNorm statistics from a train-mode pass, a batch of 2
 * structured 224x224 images, eval-mode logits), generated outside the repository:
 *
 * <pre>
 * PYTHONPATH=/path/to/timm-1.0.9 /usr/bin/python3 plugin-api/src/test/python/parity_reference.py \
 *   --out DIR --input-shape 3,224,224 --import timm \
 *   "mobilenet_v1=timm.create_model('mobilenetv1_100')"
 * mvn test -Dtest=MobilenetV1TimmParityTest -Dmobilenet.timm.reference=DIR
 * </pre>
 *
 * Same tolerance as the torchvision parity tests.
 */
class MobilenetV1TimmParityTest {

  public static final String PROPERTY = "mobilenet.timm.reference";

  @Test
  void logitsMatchTimm() {
    String root = System.getProperty(PROPERTY);
    assumeTrue(root != null, "set -D" + PROPERTY + "=DIR to compare with timm's logits");
    Path dir = Path.of(root, MobilenetV1StructureTest.VARIANT);
    assumeTrue(Files.isRegularFile(dir.resolve("logits.safetensors")), "no " + dir);
    ParityHarness.of(new MobilenetFamily())
        .assertSameLogits(MobilenetV1StructureTest.VARIANT, dir);
  }
}
