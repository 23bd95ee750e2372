package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
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
  void truncNormalWeightsDrawsConvolutionAndLinearWeightsOnly() {
    Sequential net = new Sequential()
        .add(Layers.conv2d(16, 32, 3, 1, 1))
        .add(Layers.batchNorm2d(32))
        .add(Layers.linear(64, 32));
    try (PointerScope scope = new PointerScope()) {
      StringTensorDict params = net.named_parameters(true);
      Tensor conv = params.get("0.weight");
      Tensor linear = params.get("2.weight");
      Tensor norm = params.get("1.weight");
      Tensor bias = params.get("2.bias");
      Tensor biasBefore = bias.clone();
      Init.truncNormalWeights(net, 0.1);
      // PyTorch's defaults would give std 0.048 (convolution) and 0.072 (linear)
      assertEquals(0.1, conv.std().item_double(), 0.005);
      assertEquals(0.1, linear.std().item_double(), 0.01);
      assertEquals(1.0, norm.min().item_double(), 0, "norm weights keep their 1");
      assertTrue(torch.equal(biasBefore, bias), "biases are left as built");
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
