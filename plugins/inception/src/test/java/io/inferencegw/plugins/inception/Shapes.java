package io.inferencegw.plugins.inception;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.parity.ReferenceStructure;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Helpers of the block tests. */
public final class Shapes {

  private Shapes() {}

  public static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }

  /**
   * Runs {@code block} in eval mode on a batch of 2 random {@code channels x size x size} inputs
   * and asserts the output is {@code 2 x outChannels x outSize x outSize}; closes the block.
   */
  public static <M extends Module & Layer> void assertMaps(M block, int channels, int size,
      int outChannels, int outSize) {
    try (M b = block;
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      b.eval();
      Tensor x = torch.randn(2, channels, size, size);
      Tensor copy = x.clone();
      Tensor y = b.forward(x);
      assertEquals(List.of(2L, (long) outChannels, (long) outSize, (long) outSize), shape(y),
          b.getClass().getSimpleName());
      assertEquals(true, torch.equal(x, copy), "input unchanged");
      assertEquals(true, torch.isfinite(y).all().item_bool());
    }
  }

  /**
   * The block has as many parameter elements as each of timm's blocks under
   * {@code timmPrefixes} in the committed timm structure.
   */
  public static void assertParametersAsTimm(
      ReferenceStructure timm, Module block, String... timmPrefixes) {
    for (String prefix : timmPrefixes) {
      assertEquals(TimmStructureTest.timmParameters(timm, prefix),
          StateDict.parameterCount(block), block.getClass().getSimpleName() + " vs " + prefix);
    }
  }

  /** {@code prefix.0, ..., prefix.(n-1)}: the children of an {@code nn.Sequential}. */
  public static String[] indexed(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "." + i).toArray(String[]::new);
  }

  /** Weights N(0, 2 / fan_in), so that fresh networks give input-dependent logits. */
  public static void fanInScaled(Module model) {
    try (NoGradGuard noGrad = new NoGradGuard(); PointerScope scope = new PointerScope()) {
      for (Tensor w : StateDict.of(model).values()) {
        if (w.dim() >= 2) {
          Init.normal(w, 0, Math.sqrt(2.0 / Init.fanIn(w)));
        }
      }
    }
  }
}
