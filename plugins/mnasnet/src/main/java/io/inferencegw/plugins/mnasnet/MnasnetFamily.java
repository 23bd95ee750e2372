package io.inferencegw.plugins.mnasnet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.List;
import org.pf4j.Extension;

/**
 * The MNASNet family of torchvision: depth multipliers 0.5, 0.75, 1.0 and 1.3, for 224x224 RGB
 * input.
 *
 * <p>Preprocessing as each variant's {@code IMAGENET1K_V1} weights: bilinear resize of the
 * shorter side to 256 (0.5, 1.0) or 232 (0.75, 1.3), center crop 224, ImageNet mean and std.
 */
@Extension
public class MnasnetFamily extends ConfiguredFamily<MnasnetFamily.Config> {

  public static final String NAME = "mnasnet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  public static final double DROPOUT = 0.2;

  /** One row per variant: the depth multiplier and the weights' resize. */
  record Config(String name, double alpha, int resize) implements ConfiguredFamily.Variant {
    @Override
    public PreprocessSpec preprocess() {
      return PreprocessSpec.imagenet(resize(), SIZE, Interpolation.BILINEAR);
    }
  }

  private static final List<Config> CONFIGS = List.of(
      new Config("mnasnet0_5", 0.5, 256),
      new Config("mnasnet0_75", 0.75, 232),
      new Config("mnasnet1_0", 1.0, 256),
      new Config("mnasnet1_3", 1.3, 232));

  public MnasnetFamily() {
    super(NAME, NUM_CLASSES, CONFIGS);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new MNASNet(c.alpha(), NUM_CLASSES, DROPOUT);
  }
}
