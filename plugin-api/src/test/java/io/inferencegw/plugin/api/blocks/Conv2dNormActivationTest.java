package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.inferencegw.plugin.api.StateDict;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Defaults of torchvision's Conv2dNormActivation; the numbers are checked in DemoParityTest. */
class Conv2dNormActivationTest {

  @Test
  void withNormTheConvHasNoBias() {
    Conv2dNormActivation block = new Conv2dNormActivation(3, 8, 3);
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var",
          "1.num_batches_tracked"), List.copyOf(StateDict.of(block).keySet()));
    }
    assertEquals(3, block.size());
    assertEquals(1e-5, block.norm().options().eps().get(), 0);
    assertEquals(8, block.outChannels());
  }

  @Test
  void withoutNormOrActivationTheConvHasABias() {
    Conv2dNormActivation block =
        Conv2dNormActivation.builder(3, 8, 3).noNorm().activation(null).build();
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("0.weight", "0.bias"), List.copyOf(StateDict.of(block).keySet()));
    }
    assertNull(block.norm());
    assertEquals(1, block.size());
  }

  @Test
  void defaultPaddingKeepsTheSizeAtStrideOneAndHalvesItAtStrideTwo() {
    try (PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(1, 4, 15, 15);
      assertEquals(15, new Conv2dNormActivation(4, 4, 5).forward(x).size(3));
      assertEquals(15,
          Conv2dNormActivation.builder(4, 4, 3).dilation(2).build().forward(x).size(3));
      assertEquals(8,
          Conv2dNormActivation.builder(4, 4, 3).stride(2).build().forward(x).size(3));
    }
  }

  @Test
  void normOptionsArePassedOn() {
    Conv2dNormActivation block =
        Conv2dNormActivation.builder(4, 4, 3).normEps(1e-3).normMomentum(0.01).build();
    assertEquals(1e-3, block.norm().options().eps().get(), 0);
    assertEquals(0.01, block.norm().options().momentum().get(), 0);
  }
}
