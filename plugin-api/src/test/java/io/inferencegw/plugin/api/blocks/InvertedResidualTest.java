package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Key layouts of the three families' blocks; their numbers are checked by the plugins. */
class InvertedResidualTest {

  @Test
  void blockLayoutIsMobileNetV3s() {
    InvertedResidual.Builder b = InvertedResidual.builder(16, 64, 24).kernel(5).stride(2)
        .activation(Activation.HARDSWISH).norm(1e-3, 0.01)
        .squeezeExcitation(16, Activation.RELU, Activation.HARDSIGMOID);
    InvertedResidual block = b.build();
    try (PointerScope scope = new PointerScope()) {
      Set<String> keys = StateDict.of(block).keySet();
      assertEquals(List.of("block.0.0.weight", "block.0.1.weight", "block.0.1.bias",
          "block.0.1.running_mean", "block.0.1.running_var", "block.0.1.num_batches_tracked",
          "block.1.0.weight"), List.copyOf(keys).subList(0, 7));
      assertTrue(keys.contains("block.2.fc1.weight"));
      assertTrue(keys.contains("block.3.1.running_var"));
      assertEquals(List.of(64L, 1L, 5L, 5L),
          List.of(StateDict.of(block).get("block.1.0.weight").sizes().vec().get()[0], 1L, 5L,
              5L));
    }
    // expand 1x1 16->64 + BN, depthwise 5x5 + BN, SE 64->16->64 with biases, project 64->24 + BN
    assertEquals(16 * 64 + 2 * 64 + 64 * 25 + 2 * 64 + (64 * 16 + 16 + 16 * 64 + 64)
        + 64 * 24 + 2 * 24, StateDict.parameterCount(block));
    assertFalse(block.usesResidual());
  }

  @Test
  void convLayoutIsMobileNetV2sWithoutExpansionForRatioOne() {
    InvertedResidual block = InvertedResidual.builder(32, 32, 16)
        .layout(InvertedResidual.Layout.CONV).build();
    try (PointerScope scope = new PointerScope()) {
      List<String> keys = List.copyOf(StateDict.of(block).keySet());
      assertEquals("conv.0.0.weight", keys.get(0));
      assertTrue(keys.contains("conv.1.weight"));
      assertTrue(keys.contains("conv.2.num_batches_tracked"));
      assertEquals(1 + 5 + 1 + 5, keys.size());
    }
  }

  @Test
  void layersLayoutIsMnasNetsFlatSequence() {
    InvertedResidual.Builder b = InvertedResidual.builder(16, 48, 16).kernel(5)
        .activation(Activation.RELU).norm(1e-5, 0.0003).layout(InvertedResidual.Layout.LAYERS);
    InvertedResidual block = b.build();
    try (PointerScope scope = new PointerScope()) {
      List<String> keys = List.copyOf(StateDict.of(block).keySet());
      assertEquals(List.of("layers.0.weight", "layers.1.weight"), keys.subList(0, 2));
      assertTrue(keys.contains("layers.3.weight"));
      assertTrue(keys.contains("layers.7.running_mean"));
      assertEquals(3 * 6, keys.size());
    }
    // expand 1x1 16->48 + BN, depthwise 5x5 + BN, project 48->16 + BN
    assertEquals(16 * 48 + 2 * 48 + 48 * 25 + 2 * 48 + 48 * 16 + 2 * 16,
        StateDict.parameterCount(block));
    assertTrue(block.usesResidual());
  }

  @Test
  void residualAddsTheInputAndStochasticDepthIsTheIdentityInEval() {
    InvertedResidual block = InvertedResidual.builder(8, 32, 8).stochasticDepth(0.5).build();
    block.eval();
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Tensor x = torch.randn(2, 8, 6, 6);
      Tensor expected = block.branch().forward(x).add(x);
      Tensor out = block.forward(x);
      assertTrue(torch.allclose(expected, out, 1e-5, 1e-6, false));
      assertEquals(0.5, block.stochasticDepth().p());
    }
    assertNull(InvertedResidual.builder(8, 32, 8).build().stochasticDepth());
  }

  @Test
  void squeezeExcitationOnlyInTheBlockLayout() {
    assertThrows(IllegalArgumentException.class, () -> InvertedResidual.builder(8, 16, 8)
        .squeezeExcitation(4, Activation.RELU, Activation.SIGMOID)
        .layout(InvertedResidual.Layout.CONV).build());
    assertThrows(IllegalArgumentException.class,
        () -> InvertedResidual.builder(8, 16, 8).stride(3).build());
  }
}
