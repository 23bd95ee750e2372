package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** MLP, LayerNorm2d, Permute, StochasticDepth and the init functions transformers use. */
class TransformerBlocksTest {

  @Test
  void mlpIsNumberedLikeTorchvisionsAndCountsItsParameters() {
    MLP mlp = MLP.transformer(8, 32, 8, 0.0);
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias"),
          List.copyOf(StateDict.of(mlp).keySet()));
      assertEquals(List.of(32L, 8L), shape(StateDict.of(mlp).get("0.weight")));
      assertEquals(8 * 32 + 32 + 32 * 8 + 8, StateDict.parameterCount(mlp)); // two biased Linear
    }
    assertEquals(5, mlp.size());
    MLP noBias = new MLP(2, new int[] {16, 4}, Activation.RELU, false, 0.0);
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("0.weight", "3.weight"), List.copyOf(StateDict.of(noBias).keySet()));
      assertEquals(2 * 16 + 16 * 4, StateDict.parameterCount(noBias));
    }
  }

  @Test
  void mlpForwardIsLinearGeluLinear() {
    MLP mlp = MLP.transformer(4, 6, 3, 0.0).initXavierUniform(1e-6);
    mlp.eval();
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Tensor x = torch.randn(2, 5, 4);
      var a = mlp.linears().get(0);
      var b = mlp.linears().get(1);
      Tensor expected = b.forward(torch.gelu(a.forward(x)));
      assertTrue(torch.allclose(expected, mlp.forward(x)));
      double bound = Math.sqrt(6.0 / (4 + 6));
      assertTrue(a.weight().abs().max().item_double() <= bound);
      assertTrue(a.bias().abs().max().item_double() < 1e-4);
    }
  }

  @Test
  void layerNorm2dNormalisesChannelsOfNchw() {
    LayerNorm2d norm = new LayerNorm2d(3, 1e-6);
    LayerNormImpl reference = Layers.layerNorm(3, 1e-6);
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      torch.manual_seed(3);
      norm.weight().uniform_();
      norm.bias().uniform_();
      reference.weight().copy_(norm.weight());
      reference.bias().copy_(norm.bias());
      Tensor x = torch.randn(2, 3, 4, 5);
      Tensor expected = reference.forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
      Tensor out = norm.forward(x);
      assertEquals(List.of(2L, 3L, 4L, 5L), shape(out));
      assertTrue(torch.allclose(expected, out));
      assertEquals(List.of("weight", "bias"), List.copyOf(StateDict.of(norm).keySet()));
    }
  }

  @Test
  void permuteIsAView() {
    try (PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(2, 3, 4, 5);
      Tensor nhwc = Permute.TO_CHANNELS_LAST.forward(x);
      assertEquals(List.of(2L, 4L, 5L, 3L), shape(nhwc));
      assertEquals(x.data_ptr_float().address(), nhwc.data_ptr_float().address());
      assertTrue(torch.equal(x, Permute.TO_CHANNELS_FIRST.forward(nhwc)));
      assertEquals("Permute([0, 2, 3, 1])", Permute.TO_CHANNELS_LAST.toString());
    }
  }

  @Test
  void stochasticDepthIsTheIdentityInEvalAndDropsRowsInTraining() {
    StochasticDepth sd = new StochasticDepth(0.5, StochasticDepth.Mode.ROW);
    Holder holder = new Holder(sd);
    try (PointerScope scope = new PointerScope()) {
      assertEquals(0, StateDict.of(holder).size());
      Tensor x = torch.ones(64, 3, 2, 2);
      holder.eval();
      assertSame(x, sd.forward(x));
      holder.train(true);
      torch.manual_seed(1);
      Tensor y = sd.forward(x);
      // each row is all 0 or all 1 / (1 - p) = 2
      Tensor perRow = y.flatten(1, -1);
      Tensor rowMin = perRow.amin(new long[] {1}, false);
      Tensor rowMax = perRow.amax(new long[] {1}, false);
      assertTrue(torch.equal(rowMin, rowMax));
      double dropped = rowMin.eq(new org.bytedeco.pytorch.Scalar(0.0)).sum().item_double();
      assertTrue(dropped > 10 && dropped < 54, "dropped rows: " + dropped);
      assertEquals(64 - dropped,
          rowMin.eq(new org.bytedeco.pytorch.Scalar(2.0)).sum().item_double(), 0);
    }
  }

  static final class Holder extends Module {
    Holder(StochasticDepth sd) {
      register_module("stochastic_depth", sd);
    }
  }

  @Test
  void truncNormalAndXavierUniformHaveTheirSpreadAndBounds() {
    try (PointerScope scope = new PointerScope()) {
      Tensor t = torch.empty(200_000);
      Init.truncNormal(t, 0.02);
      assertEquals(0.02, t.std().item_double(), 5e-4);
      assertTrue(t.abs().max().item_double() < 0.2);
      Init.truncNormal(t, 0, 1, -1, 1);
      assertTrue(t.abs().max().item_double() <= 1);
      // truncated at one sigma: std = 0.5380
      assertEquals(0.538, t.std().item_double(), 5e-3);
      Tensor w = torch.empty(300, 100);
      Init.xavierUniform(w);
      double bound = Math.sqrt(6.0 / 400);
      assertTrue(w.abs().max().item_double() <= bound);
      assertTrue(w.abs().max().item_double() > 0.95 * bound);
      // also on a trainable parameter (no autograd error for the in-place steps)
      var linear = Layers.linear(64, 32);
      Init.truncNormal(linear.weight(), 0.02);
      assertTrue(linear.weight().requires_grad());
      assertTrue(linear.weight().abs().max().item_double() < 0.2);
      assertEquals(0.5, Init.normalCdf(0), 1e-7);
      assertEquals(0.8413447, Init.normalCdf(1), 1e-6);
      assertEquals(0.0227501, Init.normalCdf(-2), 1e-6);
    }
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
