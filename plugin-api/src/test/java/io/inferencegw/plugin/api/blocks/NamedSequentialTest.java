package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class NamedSequentialTest {

  @Test
  void childrenAreRegisteredUnderTheirNamesInOrder() {
    NamedSequential s = new NamedSequential()
        .add("conv0", Layers.conv2d(3, 4, 3, 1, 1))
        .add("norm0", Layers.batchNorm2d(4))
        .add("relu0", Layers.RELU)
        .add("block", new NamedSequential().add("conv", Layers.conv2d(4, 2, 1, 1, 0)));
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("conv0.weight", "conv0.bias", "norm0.weight", "norm0.bias",
          "norm0.running_mean", "norm0.running_var", "norm0.num_batches_tracked",
          "block.conv.weight", "block.conv.bias"), List.copyOf(StateDict.of(s).keySet()));
    }
    assertEquals(List.of("conv0", "norm0", "relu0", "block"), s.names());
  }

  @Test
  void forwardRunsTheChildrenInOrderAndLeavesTheInput() {
    NamedSequential s = new NamedSequential()
        .add("plus", new Functional("+1", x -> x.add(new Scalar(1.0))))
        .add("times", new Functional("*3", x -> x.mul(new Scalar(3.0))))
        .add("relu", Layers.RELU);
    try (PointerScope scope = new PointerScope()) {
      Tensor input = torch.tensor(new float[] {-2f, 0f, 1f});
      assertTrue(torch.equal(torch.tensor(new float[] {0f, 3f, 6f}), s.forward(input)));
      assertTrue(torch.equal(torch.tensor(new float[] {-2f, 0f, 1f}), input));
    }
  }

  @Test
  void namesMustBeUniqueAndDotless() {
    NamedSequential s = new NamedSequential().add("relu", Layers.RELU);
    assertThrows(IllegalArgumentException.class, () -> s.add("relu", Layers.RELU));
    assertThrows(IllegalArgumentException.class, () -> s.add("a.b", Layers.RELU));
  }
}
