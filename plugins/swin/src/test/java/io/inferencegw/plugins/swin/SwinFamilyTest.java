package io.inferencegw.plugins.swin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class SwinFamilyTest extends FamilyContractTest {

  SwinFamilyTest() {
    super(new SwinFamily(), "swin_v2_t");
  }

  // Any size works: windows pad what does not divide (SwinPaddingParityTest checks that against
  // torchvision); 64x64 leaves stage 4 smaller than a window, the padded case, and is quick.
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 64};
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    // Swin_*_Weights.IMAGENET1K_V1.meta["num_params"] in torchvision 0.14
    return ordered(
        "swin_t", 28_288_354L,
        "swin_s", 49_606_258L,
        "swin_b", 87_768_224L,
        "swin_v2_t", 28_351_570L,
        "swin_v2_s", 49_737_442L,
        "swin_v2_b", 87_930_848L);
  }

  @Test
  void preprocessingIsThatOfEachVariantsWeights() {
    // Swin_*_Weights.IMAGENET1K_V1.transforms in torchvision 0.14
    Map<String, Integer> resize = Map.of("swin_t", 232, "swin_s", 246, "swin_b", 238,
        "swin_v2_t", 260, "swin_v2_s", 260, "swin_v2_b", 272);
    for (VariantSpec v : family().variants()) {
      int crop = v.name().startsWith("swin_v2") ? 256 : 224;
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(PreprocessSpec.imagenet(resize.get(v.name()), crop, Interpolation.BICUBIC),
          v.preprocess(), v.name());
    }
  }

  @Test
  void oddBlocksShiftByHalfAWindowAndStochasticDepthGrowsLinearly() {
    try (SwinTransformer model = (SwinTransformer) family().build("swin_t")) {
      List<SwinTransformerBlock> blocks = model.blocks();
      assertEquals(12, blocks.size());
      int[] depths = {2, 2, 6, 2};
      int index = 0;
      for (int depth : depths) {
        for (int i = 0; i < depth; i++, index++) {
          int shift = i % 2 == 0 ? 0 : 3;
          assertArrayEquals(new int[] {shift, shift}, blocks.get(index).attn().shiftSize());
          assertEquals(0.2 * index / 11.0, blocks.get(index).stochasticDepthProb(), 1e-12);
        }
      }
    }
  }

  @Test
  void shiftRegionsFollowPythonSliceSemantics() {
    // rows [0, len - window) region 0, [len - window, len - shift) 1, [len - shift, len) 2
    assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 2, 2},
        ShiftedWindowAttention.regions(8, 4, 2));
    // shift 0: slice (-window, -0) is empty and (-0, None) covers everything
    assertArrayEquals(new int[] {2, 2, 2, 2}, ShiftedWindowAttention.regions(4, 4, 0));
    try (PointerScope scope = new PointerScope()) {
      Tensor mask = ShiftedWindowAttention.shiftMask(4, 4, 1, 1, new int[] {2, 2});
      // 4 windows of 2x2: the first lies in one region, the last straddles four
      assertArrayEquals(new long[] {4, 4, 4}, mask.sizes().vec().get());
      float[] values = new float[4 * 4 * 4];
      mask.contiguous().data_ptr_float().get(values);
      for (int i = 0; i < 16; i++) {
        assertEquals(0f, values[i]);
      }
      float[] last = Arrays.copyOfRange(values, 48, 64);
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          assertEquals(i == j ? 0f : ShiftedWindowAttention.MASKED, last[i * 4 + j]);
        }
      }
    }
  }

  @Test
  void relativePositionIndexMatchesTorchvisionsFormula() {
    try (PointerScope scope = new PointerScope()) {
      Tensor index = ShiftedWindowAttention.relativePositionIndex(new int[] {7, 7});
      assertEquals(49 * 49, index.numel());
      // token 0 = (0,0), token 48 = (6,6): offsets (-6,-6) -> 0; (6,6) -> 12 * 13 + 12 = 168
      assertEquals(84, index.get(0).item_long()); // (0,0) with itself: (6 * 13 + 6)
      assertEquals(0, index.get(48).item_long());
      assertEquals(168, index.get(48 * 49).item_long());
      assertEquals(168, index.max().item_long());
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(5);
    try (ClassifierModule model = family().build("swin_t");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      assertEquals(0.02, sd.get("features.5.3.mlp.0.weight").std().item_double(), 1e-3);
      assertEquals(0, sd.get("features.5.3.mlp.0.bias").abs().max().item_double(), 0);
      assertEquals(0.02, sd.get("features.5.3.attn.qkv.weight").std().item_double(), 1e-3);
      assertEquals(0.02,
          sd.get("features.5.3.attn.relative_position_bias_table").std().item_double(), 2e-3);
      assertEquals(0, sd.get("head.bias").abs().max().item_double(), 0);
      assertEquals(1, sd.get("features.0.2.weight").min().item_double(), 0);
    }
    try (ClassifierModule model = family().build("swin_v2_t");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      assertEquals(Math.log(10), sd.get("features.1.0.attn.logit_scale").max().item_double(),
          1e-6);
      assertEquals(0, sd.get("features.1.0.attn.cpb_mlp.0.bias").abs().max().item_double(), 0);
    }
  }
}
