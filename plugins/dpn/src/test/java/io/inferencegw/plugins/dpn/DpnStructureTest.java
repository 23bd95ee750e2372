package io.inferencegw.plugins.dpn;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every DPN against timm 1.0.9's state_dict: keys in order, shapes, dtypes and the parameter
 * count, from {@code timm-1.0.9/<variant>.json} in the test resources. timm is not a build
 * dependency; those files were written once by plugin-api's {@code parity_reference.py} with
 * timm 1.0.9 on the Python path, outside the repository:
 *
 * <pre>
 * PYTHONPATH=/path/to/timm-1.0.9 /usr/bin/python3 plugin-api/src/test/python/parity_reference.py \
 *   --out OUT --structure-only --import timm "dpn68=timm.create_model('dpn68')" ...
 * </pre>
 *
 * (then the {@code torchvision} version line replaced by {@code "timm": "1.0.9"}).
 */
class DpnStructureTest {

  private final DpnFamily family = new DpnFamily();

  @TestFactory
  Stream<DynamicTest> stateDictAndParameterCountMatchTimm() {
    return family.variants().stream().map(v -> dynamicTest(v.name(), () -> {
      ReferenceStructure timm = ReferenceStructure.read(timmStructure(v.name()));
      assertEquals(timm.parameters(), family.parameterCount(v.name()),
          v.name() + ": catalog vs timm");
      try (ClassifierModule model = family.build(v.name())) {
        assertEquals(timm.parameters(), StateDict.parameterCount(model), v.name());
        ParityHarness.assertSameStructure(v.name(), model, timm);
      }
    }));
  }

  static Path timmStructure(String variant) throws URISyntaxException {
    URL url = DpnStructureTest.class.getResource("timm-1.0.9/" + variant + ".json");
    assertNotNull(url, "no timm structure for " + variant);
    return Path.of(url.toURI());
  }
}
