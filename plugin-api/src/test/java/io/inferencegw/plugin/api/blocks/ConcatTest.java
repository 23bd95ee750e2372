package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ConcatTest {

  @Test
  void concatenatesAlongChannelsInOrderAndClosesTheParts() {
    try (PointerScope scope = new PointerScope()) {
      Tensor a = torch.randn(2, 3, 4, 4);
      Tensor b = torch.randn(2, 5, 4, 4);
      Tensor expected = torch.cat(new TensorVector(a, b), 1);
      Tensor a2 = a.clone();
      Tensor b2 = b.clone();
      Tensor y = Concat.channels(a2, b2);
      assertEquals(List.of(2L, 8L, 4L, 4L),
          Arrays.stream(y.sizes().vec().get()).boxed().toList());
      assertTrue(torch.equal(expected, y));
      assertTrue(a2.isNull() && b2.isNull(), "branch outputs are released");
    }
  }
}
