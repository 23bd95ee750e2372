package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class TruncNormalFarBoundsTest {

  @Test
  void farBoundsGiveTheNormalDistributionWithinThem() {
    try (PointerScope scope = new PointerScope()) {
      Tensor t = torch.empty(200_000);
      Init.truncNormalFarBounds(t, 0, 0.1, -2, 2);
      assertEquals(0.1, t.std().item_double(), 0.002);
      assertEquals(0.0, t.mean().item_double(), 0.002);
      assertTrue(t.abs().max().item_double() <= 2);
    }
  }

  @Test
  void nearBoundsFallBackToTheInverseCdfMethod() {
    try (PointerScope scope = new PointerScope()) {
      Tensor t = torch.empty(200_000);
      Init.truncNormalFarBounds(t, 0, 1, -1, 1);
      assertTrue(t.abs().max().item_double() <= 1);
      // std of N(0, 1) truncated to [-1, 1] is 0.5377; a clamped normal would have 0.6
      assertEquals(0.5377, t.std().item_double(), 0.005);
    }
  }
}
