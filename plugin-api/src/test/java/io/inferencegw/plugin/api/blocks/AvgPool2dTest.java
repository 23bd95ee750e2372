package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class AvgPool2dTest {

  @Test
  void countIncludePadDecidesWhetherPaddingZerosAreAveragedIn() {
    try (PointerScope scope = new PointerScope()) {
      Tensor ones = torch.ones(1, 1, 4, 4);
      Tensor counted = Layers.avgPool2d(3, 1, 1, true).forward(ones);
      Tensor notCounted = Layers.avgPool2d(3, 1, 1, false).forward(ones);
      assertEquals(4.0 / 9, counted.get(0).get(0).get(0).get(0).item_double(), 1e-6); // corner
      assertEquals(6.0 / 9, counted.get(0).get(0).get(0).get(1).item_double(), 1e-6); // edge
      assertEquals(1.0, counted.get(0).get(0).get(1).get(1).item_double(), 1e-6); // inside
      assertEquals(1.0, notCounted.min().item_double(), 1e-6);
      assertEquals(1.0, notCounted.max().item_double(), 1e-6);
      Tensor strided = Layers.avgPool2d(5, 3, 0, true).forward(torch.ones(2, 3, 17, 17));
      assertEquals(5, strided.size(2));
    }
  }
}
