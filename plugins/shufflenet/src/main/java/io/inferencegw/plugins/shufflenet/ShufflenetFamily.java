package io.inferencegw.plugins.shufflenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.List;
import org.pf4j.Extension;

/**
 * The ShuffleNet V2 family of torchvision: width multipliers 0.5, 1.0, 1.5 and 2.0, all with
 * 4, 8 and 4 units in stages 2 to 4, for 224x224 RGB input.
 *
 * <p>Preprocessing as each variant's {@code IMAGENET1K_V1} weights: bilinear resize of the
 * shorter side to 256 (x0.5, x1.0) or 232 (x1.5, x2.0), center crop 224, ImageNet mean and std.
 */
@Extension
public class ShufflenetFamily extends ConfiguredFamily<ShufflenetFamily.Config> {

  public static final String NAME = "shufflenet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  static final List<Integer> REPEATS = List.of(4, 8, 4);

  /** One row per variant: torchvision's {@code stages_out_channels} and the weights' resize. */
  record Config(String name, List<Integer> channels, int resize)
      implements ConfiguredFamily.Variant {
    @Override
    public PreprocessSpec preprocess() {
      return PreprocessSpec.imagenet(resize(), SIZE, Interpolation.BILINEAR);
    }
  }

  private static final List<Config> CONFIGS = List.of(
      new Config("shufflenet_v2_x0_5", List.of(24, 48, 96, 192, 1024), 256),
      new Config("shufflenet_v2_x1_0", List.of(24, 116, 232, 464, 1024), 256),
      new Config("shufflenet_v2_x1_5", List.of(24, 176, 352, 704, 1024), 232),
      new Config("shufflenet_v2_x2_0", List.of(24, 244, 488, 976, 2048), 232));

  public ShufflenetFamily() {
    super(NAME, NUM_CLASSES, CONFIGS);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new ShuffleNetV2(REPEATS, c.channels(), NUM_CLASSES);
  }
}
