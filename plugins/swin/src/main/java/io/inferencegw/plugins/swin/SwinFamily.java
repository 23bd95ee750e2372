package io.inferencegw.plugins.swin;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.List;
import org.pf4j.Extension;

/**
 * The Swin Transformer family of torchvision: {@code swin_t}, {@code swin_s}, {@code swin_b}
 * (7x7 windows, 224x224 input) and {@code swin_v2_t}, {@code swin_v2_s}, {@code swin_v2_b} (8x8
 * windows, 256x256 input).
 *
 * <p>Preprocessing as each variant's {@code IMAGENET1K_V1} weights, all bicubic with ImageNet
 * mean and std: resize the shorter side to 232 / 246 / 238 and crop 224 (V1 T / S / B); resize to
 * 260 / 260 / 272 and crop 256 (V2 T / S / B).
 */
@Extension
public class SwinFamily extends ConfiguredFamily<SwinFamily.Config> {

  public static final String NAME = "swin";
  public static final int NUM_CLASSES = 1000;
  static final int[] PATCH = {4, 4};

  /** One row per variant, as torchvision's {@code swin_*} builders. */
  record Config(String name, int embedDim, int[] depths, int[] numHeads, int window,
      double stochasticDepthProb, boolean v2, int resize, int crop)
      implements ConfiguredFamily.Variant {
    @Override
    public PreprocessSpec preprocess() {
      return PreprocessSpec.imagenet(resize(), crop(), Interpolation.BICUBIC);
    }
  }

  private static final int[] TINY = {2, 2, 6, 2};
  private static final int[] DEEP = {2, 2, 18, 2};
  private static final int[] HEADS_96 = {3, 6, 12, 24};
  private static final int[] HEADS_128 = {4, 8, 16, 32};

  private static final List<Config> CONFIGS = List.of(
      new Config("swin_t", 96, TINY, HEADS_96, 7, 0.2, false, 232, 224),
      new Config("swin_s", 96, DEEP, HEADS_96, 7, 0.3, false, 246, 224),
      new Config("swin_b", 128, DEEP, HEADS_128, 7, 0.5, false, 238, 224),
      new Config("swin_v2_t", 96, TINY, HEADS_96, 8, 0.2, true, 260, 256),
      new Config("swin_v2_s", 96, DEEP, HEADS_96, 8, 0.3, true, 260, 256),
      new Config("swin_v2_b", 128, DEEP, HEADS_128, 8, 0.5, true, 272, 256));

  public SwinFamily() {
    super(NAME, NUM_CLASSES, CONFIGS);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new SwinTransformer(PATCH, c.embedDim(), c.depths(), c.numHeads(),
        new int[] {c.window(), c.window()}, c.stochasticDepthProb(), NUM_CLASSES, c.v2());
  }
}
