package io.inferencegw.plugins.mobilenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.inferencegw.plugin.api.ClassifierModule;
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
    URL url = getClass().getResource("timm-1.0.9/" + VARIANT + ".json");
    assertNotNull(url, "no timm structure for " + VARIANT);
    ReferenceStructure timm = ReferenceStructure.read(Path.of(url.toURI()));
    assertEquals(timm.parameters(), parametersIn(timm),
        "the file's count vs the parameters of its own state_dict");
    assertEquals(mobilenetV1Parameters(), timm.parameters(),
        "the file's count vs MobileNet v1's architecture");
    assertEquals(timm.parameters(), family.parameterCount(VARIANT), "catalog vs timm");
    try (ClassifierModule model = family.build(VARIANT)) {
      ParityHarness.assertSameStructure(VARIANT, model, timm);
    }
  }

  /**
   * The parameter elements of a state_dict: every entry but BatchNorm's buffers (running
   * statistics and batch counter).
   */
  static long parametersIn(ReferenceStructure structure) {
    long total = 0;
    for (ReferenceStructure.Entry e : structure.stateDict()) {
      if (e.key().endsWith(".running_mean") || e.key().endsWith(".running_var")
          || e.key().endsWith(".num_batches_tracked")) {
        continue;
      }
      total += e.shape().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
    }
    return total;
  }

  /**
   * MobileNet v1 at width 1.0 for 1000 classes, counted from the paper's layer table (Howard et
   * al. 2017, table 1): a 3x3 stem conv to 32 channels, 13 depthwise separable blocks (3x3
   * depthwise, then 1x1 pointwise, each followed by BatchNorm), a 1000-way linear classifier.
   * Convolutions have no bias; each BatchNorm has a weight and a bias per channel.
   */
  static long mobilenetV1Parameters() {
    int[] widths = {64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
    long total = 3 * 3 * 3 * 32 + 2 * 32;
    int in = 32;
    for (int out : widths) {
      total += 3 * 3 * in + 2 * in; // depthwise conv and its BatchNorm
      total += (long) in * out + 2 * out; // pointwise conv and its BatchNorm
      in = out;
    }
    return total + in * 1000L + 1000;
  }
}
