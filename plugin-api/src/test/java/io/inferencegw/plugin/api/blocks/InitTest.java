package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {

  @Test
  void kaimingNormalFanOutHasTheRightSpread() {
    Conv2dImpl conv = Layers.conv2d(64, 128, 3, 1, 1);
    try (PointerScope scope = new PointerScope()) {
      Tensor w = conv.weight();
      assertEquals(64 * 9, Init.fanIn(w));
      assertEquals(128 * 9, Init.fanOut(w));
      Init.kaimingNormalFanOut(w);
      assertEquals(Math.sqrt(2.0 / (128 * 9)), w.std().item_double(), 0.002);
      assertTrue(w.requires_grad(), "still a trainable parameter");
    }
  }

  @Test
  void kaimingUniformIsBoundedBySqrtSixOverFanIn() {
    Conv2dImpl conv = Layers.conv2d(32, 64, 3, 1, 1);
    try (PointerScope scope = new PointerScope()) {
      Tensor w = conv.weight();
      Init.kaimingUniform(w);
      double bound = Math.sqrt(6.0 / (32 * 9));
      assertTrue(w.abs().max().item_double() <= bound);
      assertTrue(w.abs().max().item_double() > 0.95 * bound);
    }
  }

  @Test
  void constantAndNormalFillInPlace() {
    Conv2dImpl conv = Layers.conv2d(4, 8, 1, 1, 0);
    try (PointerScope scope = new PointerScope()) {
      Init.constant(conv.bias(), 0.25);
      assertEquals(0.25, conv.bias().min().item_double(), 0);
      assertEquals(0.25, conv.bias().max().item_double(), 0);
      Init.normal(conv.weight(), 0, 0.01);
      assertTrue(conv.weight().abs().max().item_double() < 0.1);
    }
  }
}
