package io.inferencegw.plugins.inception;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.ReferenceStructure;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Inception v4 and Inception-ResNet v2 against timm 1.0.9's state_dict: keys in order, shapes,
 * dtypes and the exact parameter count, from {@code timm-1.0.9/<variant>.json} in the test
 * resources. timm is not a build dependency; those files were written once by plugin-api's
 * {@code parity_reference.py} with timm 1.0.9 (exported outside the repository) on the Python
 * path:
 *
 * <pre>
 * PYTHONPATH=/path/to/timm-1.0.9 /usr/bin/python3 plugin-api/src/test/python/parity_reference.py \
 *   --out OUT --structure-only --import timm \
 *   "inception_v4=timm.create_model('inception_v4')" \
 *   "inception_resnet_v2=timm.create_model('inception_resnet_v2')"
 * </pre>
 *
 * (then the {@code torchvision} version line replaced by {@code "timm": "1.0.9"}).
 */
class TimmStructureTest {

  static final List<String> TIMM_VARIANTS =
      List.of(InceptionFamily.INCEPTION_V4, InceptionFamily.INCEPTION_RESNET_V2);

  private final InceptionFamily family = new InceptionFamily();

  @TestFactory
  Stream<DynamicTest> stateDictAndParameterCountMatchTimm() {
    return TIMM_VARIANTS.stream().map(name -> dynamicTest(name, () -> {
      ReferenceStructure timm = timmStructure(name);
      assertEquals(timm.parameters(), family.parameterCount(name),
          name + ": catalog vs timm");
      try (ClassifierModule model = family.build(name)) {
        assertEquals(timm.parameters(), StateDict.parameterCount(model), name);
        ParityHarness.assertSameStructure(name, model, timm);
      }
    }));
  }

  static ReferenceStructure timmStructure(String variant) throws URISyntaxException {
    URL url = TimmStructureTest.class.getResource("timm-1.0.9/" + variant + ".json");
    assertNotNull(url, "no timm structure for " + variant);
    return ReferenceStructure.read(Path.of(url.toURI()));
  }

  /**
   * Parameter elements of timm's state_dict under {@code prefix} (a block), running statistics
   * and counters excluded: what the block's own parameter count must be.
   */
  static long timmParameters(ReferenceStructure timm, String prefix) {
    return timm.stateDict().stream()
        .filter(e -> e.key().startsWith(prefix + "."))
        .filter(e -> !e.key().endsWith(".running_mean") && !e.key().endsWith(".running_var")
            && !e.key().endsWith(".num_batches_tracked"))
        .mapToLong(e -> e.shape().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b))
        .sum();
  }
}
