package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class SqueezeExcitationTest {

  @Test
  void keysAndParameterCountAreTorchvisions() {
    SqueezeExcitation se = new SqueezeExcitation(16, 4);
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
          List.copyOf(StateDict.of(se).keySet()));
      assertEquals(List.of(4L, 16L, 1L, 1L), shape(StateDict.of(se).get("fc1.weight")));
    }
    // torchvision's SqueezeExcitation(16, 4): two 1x1 convolutions with bias
    assertEquals(16 * 4 + 4 + 4 * 16 + 16, StateDict.parameterCount(se));
  }

  @Test
  void scalesEveryChannelByTheGateOfItsMean() {
    SqueezeExcitation se =
        new SqueezeExcitation(6, 3, Activation.SILU, Activation.HARDSIGMOID);
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Tensor x = torch.randn(2, 6, 5, 7);
      Tensor copy = x.clone();
      // by hand: avgpool, fc1, SiLU, fc2, hardsigmoid, multiply
      Tensor pooled = copy.mean(new long[] {2, 3}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
      Tensor gate = torch.hardsigmoid(se.fc2().forward(torch.silu(se.fc1().forward(pooled))));
      Tensor expected = copy.mul(gate);
      Tensor out = se.forward(x);
      assertSame(x, out, "scaled in place");
      assertTrue(torch.allclose(expected, out, 1e-5, 1e-6, false));
    }
  }

  @Test
  void returnsANewTensorWhereTheInputNeedsItsGradient() {
    SqueezeExcitation se = new SqueezeExcitation(4, 2);
    try (PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(1, 4, 3, 3).requires_grad_(true);
      Tensor out = se.forward(x);
      assertNotSame(x, out);
      assertTrue(out.requires_grad());
    }
  }

  private static List<Long> shape(Tensor t) {
    return java.util.Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
