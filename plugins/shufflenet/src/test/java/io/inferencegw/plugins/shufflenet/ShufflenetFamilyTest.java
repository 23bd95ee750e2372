package io.inferencegw.plugins.shufflenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.ChannelShuffle;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ShufflenetFamilyTest extends FamilyContractTest {

  ShufflenetFamilyTest() {
    super(new ShufflenetFamily(), "shufflenet_v2_x1_0");
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    // ShuffleNet_V2_*_Weights meta["num_params"] in torchvision 0.14
    return ordered(
        "shufflenet_v2_x0_5", 1_366_792L,
        "shufflenet_v2_x1_0", 2_278_604L,
        "shufflenet_v2_x1_5", 3_503_624L,
        "shufflenet_v2_x2_0", 7_393_996L);
  }

  /** The network ends in a global mean, so a 64x64 input is as valid as 224x224. */
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 64};
  }

  @Test
  void preprocessingIsThatOfEachVariantsWeights() {
    for (VariantSpec v : family().variants()) {
      int resize = v.name().endsWith("x1_5") || v.name().endsWith("x2_0") ? 232 : 256;
      assertEquals(PreprocessSpec.imagenet(resize, 224, Interpolation.BILINEAR), v.preprocess(),
          v.name());
    }
  }

  @Test
  void strideOneUnitsPassHalfTheChannelsThroughAndShuffle() {
    ShuffleUnit unit = new ShuffleUnit(8, 8, 1);
    unit.eval();
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      assertFalse(StateDict.of(unit).keySet().stream().anyMatch(k -> k.startsWith("branch1")));
      Tensor x = torch.randn(2, 8, 5, 5);
      Tensor out = unit.forward(x);
      // even output channels are the untouched first half of the input
      for (int c = 0; c < 4; c++) {
        assertTrue(torch.equal(out.select(1, 2 * c), x.select(1, c)), "channel " + c);
      }
      // as torchvision: cat(x1, branch2(x2)) then channel_shuffle(2)
      TensorVector halves = x.chunk(2, 1);
      Tensor reference = ChannelShuffle.shuffle(torch.cat(
          new TensorVector(halves.get(0), unit.branch2().forward(halves.get(1))), 1), 2);
      assertTrue(torch.equal(reference, out));
    }
  }

  @Test
  void strideTwoUnitsHaveBothBranchesAndHalveTheSize() {
    ShuffleUnit unit = new ShuffleUnit(24, 48, 2);
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Map<String, Tensor> sd = StateDict.of(unit);
      assertEquals(List.of(24L, 1L, 3L, 3L), shape(sd.get("branch1.0.weight")));
      assertEquals(List.of(24L, 24L, 1L, 1L), shape(sd.get("branch1.2.weight")));
      assertEquals(List.of(24L, 24L, 1L, 1L), shape(sd.get("branch2.0.weight")));
      // branch1: 24 * 9 + 48 + 24 * 24 + 48; branch2: 24 * 24 + 48 + 24 * 9 + 48 + 24 * 24 + 48
      assertEquals(2400, StateDict.parameterCount(unit));
      assertEquals(List.of(1L, 48L, 4L, 4L), shape(unit.forward(torch.randn(1, 24, 8, 8))));
    }
  }

  static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
