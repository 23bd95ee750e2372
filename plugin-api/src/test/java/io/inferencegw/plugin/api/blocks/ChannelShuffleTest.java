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

class ChannelShuffleTest {

  @Test
  void interleavesTheGroups() {
    try (PointerScope scope = new PointerScope()) {
      // channel c holds the value c
      Tensor x = torch.arange(new org.bytedeco.pytorch.Scalar(6)).to(torch.ScalarType.Float)
          .view(1, 6, 1, 1).expand(1, 6, 2, 2).contiguous();
      Tensor shuffled = ChannelShuffle.shuffle(x, 2);
      float[] channels = new float[6];
      for (int c = 0; c < 6; c++) {
        channels[c] = shuffled.get(0).get(c).get(1).get(1).item_float();
      }
      assertTrue(Arrays.equals(new float[] {0, 3, 1, 4, 2, 5}, channels),
          Arrays.toString(channels));
      Tensor three = ChannelShuffle.shuffle(x, 3);
      assertEquals(2f, three.get(0).get(1).get(0).get(0).item_float()); // 0 2 4 1 3 5
    }
  }

  @Test
  void concatAndShuffleEqualsShuffleOfTheConcatenation() {
    try (PointerScope scope = new PointerScope()) {
      Tensor a = torch.randn(2, 5, 3, 4);
      Tensor b = torch.randn(2, 5, 3, 4);
      Tensor expected = ChannelShuffle.shuffle(torch.cat(new TensorVector(a, b), 1), 2);
      Tensor fused = ChannelShuffle.concatAndShuffle(a.clone(), b.clone());
      assertEquals(List.of(2L, 10L, 3L, 4L),
          Arrays.stream(fused.sizes().vec().get()).boxed().toList());
      assertTrue(torch.equal(expected, fused));
      assertTrue(fused.is_contiguous());
    }
  }

  @Test
  void layerTakesAnIndexWithoutParameters() {
    Sequential s = new Sequential().add(ChannelShuffle.layer(2));
    assertEquals(1, s.size());
    assertEquals("Sequential(0: ChannelShuffle(groups=2))", s.toString());
  }
}
