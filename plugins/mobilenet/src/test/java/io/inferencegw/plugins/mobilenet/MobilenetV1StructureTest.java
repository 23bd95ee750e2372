package io.inferencegw.plugins.mobilenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.ReferenceStructure;
import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * mobilenet_v1 against timm 1.0.9's {@code mobilenetv1_100} state_dict: keys in order, shapes,
 * dtypes and the parameter count (4,231,976), from {@code timm-1.0.9/mobilenet_v1.json} in the
 * test resources. timm is not a build dependency; that file was written once by plugin-api's
 * {@code parity_reference.py} with timm 1.0.9 on the Python path, outside the repository:
 *
 * <pre>
 * PYTHONPATH=/path/to/timm-1.0.9 /usr/bin/python3 plugin-api/src/test/python/parity_reference.py \
 *   --out OUT --structure-only --import timm "mobilenet_v1=timm.create_model('mobilenetv1_100')"
 * </pre>
 *
 * (then the {@code torchvision} version line replaced by {@code "timm": "1.0.9"}).
 */
class MobilenetV1StructureTest {

  static final String VARIANT = "mobilenet_v1";

  @Test
  void stateDictAndParameterCountMatchTimm() throws Exception {
    MobilenetFamily family = new MobilenetFamily();
    VariantSpec spec = family.requireVariant(VARIANT);
    URL url = getClass().getResource("timm-1.0.9/" + VARIANT + ".json");
    assertNotNull(url, "no timm structure for " + VARIANT);
    ReferenceStructure timm = ReferenceStructure.read(Path.of(url.toURI()));
    assertEquals(4_231_976L, timm.parameters());
    assertEquals(timm.parameters(), spec.parameters(), "catalog vs timm");
    try (ClassifierModule model = family.build(VARIANT)) {
      assertEquals(spec.parameters(), StateDict.parameterCount(model));
      ParityHarness.assertSameStructure(VARIANT, model, timm);
    }
  }
}
