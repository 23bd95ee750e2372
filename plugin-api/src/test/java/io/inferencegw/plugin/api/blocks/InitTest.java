package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
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

  @Test
  void withinSkippedEveryFillLeavesItsTensorAsItWas() {
    try (PointerScope scope = new PointerScope()) {
      Tensor t = torch.zeros(4, 3, 3, 3);
      Conv2dImpl conv = Layers.conv2d(3, 4, 3, 1, 1);
      Init.constant(conv.weight(), 2);
      Init.constant(conv.bias(), 1);
      Init.skipped(() -> {
        Init.constant(t, 1);
        Init.zeros(conv.bias());
        Init.normal(t, 5, 1);
        Init.kaimingNormalFanOut(t);
        Init.kaimingUniform(t);
        Init.xavierUniform(t);
        Init.truncNormal(t, 0.02);
        Init.truncNormalFarBounds(t, 0, 0.01, -2, 2);
        Init.convolutionsAndLinears(conv, w -> Init.constant(w, 7));
        return null;
      });
      assertEquals(0, t.abs().max().item_double(), 0, "untouched");
      assertEquals(2, conv.weight().min().item_double(), 0, "untouched");
      assertEquals(1, conv.bias().min().item_double(), 0, "untouched");
      Init.constant(t, 1);
      assertEquals(1, t.min().item_double(), 0, "fills again after skipped()");
    }
  }

  @Test
  void skippingIsPerThreadNestsAndEndsAlsoWhenTheBuildThrows() throws Exception {
    assertFalse(Init.isSkipped());
    Init.skipped(() -> {
      assertTrue(Init.isSkipped());
      Init.skipped(() -> null);
      assertTrue(Init.isSkipped(), "still skipping after a nested skipped()");
      // another thread fills as usual meanwhile: the gateway builds replicas concurrently
      boolean elsewhere = CompletableFuture.supplyAsync(Init::isSkipped).join();
      assertFalse(elsewhere, "another thread does not skip");
      return null;
    });
    assertFalse(Init.isSkipped());
    assertThrows(IllegalStateException.class, () -> Init.skipped(() -> {
      throw new IllegalStateException("a failed build");
    }));
    assertFalse(Init.isSkipped(), "skipping ended with the failed build");
  }
}
