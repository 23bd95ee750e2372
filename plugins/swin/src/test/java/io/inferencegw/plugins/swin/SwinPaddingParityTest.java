package io.inferencegw.plugins.swin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.Reference;
import io.inferencegw.plugin.api.parity.ReferenceRun;
import io.inferencegw.plugin.api.parity.TorchvisionOracle;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Logits against torchvision at a non-native, non-square input size, which exercises what the
 * native sizes never do: padding to whole windows, cropping back, zero-padding odd maps before
 * patch merging, and a shift along one axis only (a stage whose padded height is one window but
 * whose width is two: torchvision's mask slices then degenerate, and ours must do the same).
 */
class SwinPaddingParityTest {

  @Test
  void swinV2MatchesTorchvisionOnA100x132Input() throws IOException {
    // 100x132 -> 25x33 tokens; stages at 25x33, 13x17, 7x9 (one window high), 4x5
    TorchvisionOracle oracle = TorchvisionOracle.require();
    ParityHarness harness = ParityHarness.of(new SwinFamily());
    try (ReferenceRun run = oracle.run(Reference.torchvision("swin_v2_t"), List.of(3, 100, 132))) {
      assertFreshBuffersEqualTorchvisions(run.weights());
      harness.assertSameLogits("swin_v2_t", run.weights().getParent());
    }
  }

  /**
   * Loading a checkpoint overwrites the buffers, so the logits comparison cannot see whether we
   * compute them right for a fresh network: compare them with torchvision's directly (the
   * reference randomises parameters only, its buffers are as constructed).
   */
  private static void assertFreshBuffersEqualTorchvisions(Path weights) throws IOException {
    int checked = 0;
    try (ClassifierModule model = new SwinFamily().build("swin_v2_t");
        SafetensorsReader reader = SafetensorsReader.open(weights);
        PointerScope scope = new PointerScope()) {
      for (Map.Entry<String, Tensor> e : StateDict.of(model).entrySet()) {
        String key = e.getKey();
        if (key.endsWith("relative_position_index")) {
          assertTrue(torch.equal(reader.toTensor(key), e.getValue()), key);
          checked++;
        } else if (key.endsWith("relative_coords_table")) {
          Tensor diff = reader.toTensor(key).sub(e.getValue()).abs().max();
          assertTrue(diff.item_double() < 1e-6, key + ": " + diff.item_double());
          checked++;
        }
      }
    }
    assertEquals(2 * 12, checked);
  }
}
