package io.inferencegw.plugins.convnext;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugins.convnext.ConvNeXt.Stage;
import java.util.List;
import org.pf4j.Extension;

/**
 * The ConvNeXt family of torchvision: tiny, small, base and large, for 224x224 RGB input.
 *
 * <p>Preprocessing as each variant's {@code IMAGENET1K_V1} weights: bilinear resize of the
 * shorter side to 236 (tiny), 230 (small) or 232 (base, large), center crop 224, ImageNet mean
 * and std. The resize sizes differ per variant, unlike most families' 256.
 */
@Extension
public class ConvNeXtFamily extends ConfiguredFamily<ConvNeXtFamily.Config> {

  public static final String NAME = "convnext";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;

  /** One row per variant, as torchvision's {@code convnext_*} builders. */
  record Config(String name, List<Stage> blockSetting, double stochasticDepthProb, int resize)
      implements ConfiguredFamily.Variant {
    @Override
    public PreprocessSpec preprocess() {
      return PreprocessSpec.imagenet(resize(), SIZE, Interpolation.BILINEAR);
    }
  }

  private static final List<Config> CONFIGS = List.of(
      new Config("convnext_tiny", List.of(
          new Stage(96, 192, 3), new Stage(192, 384, 3), new Stage(384, 768, 9),
          new Stage(768, 0, 3)), 0.1, 236),
      new Config("convnext_small", List.of(
          new Stage(96, 192, 3), new Stage(192, 384, 3), new Stage(384, 768, 27),
          new Stage(768, 0, 3)), 0.4, 230),
      new Config("convnext_base", List.of(
          new Stage(128, 256, 3), new Stage(256, 512, 3), new Stage(512, 1024, 27),
          new Stage(1024, 0, 3)), 0.5, 232),
      new Config("convnext_large", List.of(
          new Stage(192, 384, 3), new Stage(384, 768, 3), new Stage(768, 1536, 27),
          new Stage(1536, 0, 3)), 0.5, 232));

  public ConvNeXtFamily() {
    super(NAME, NUM_CLASSES, CONFIGS);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new ConvNeXt(c.blockSetting(), c.stochasticDepthProb(), NUM_CLASSES);
  }
}
