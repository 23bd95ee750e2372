package io.inferencegw.plugins.regnet;

import static io.inferencegw.plugins.regnet.BlockParams.DesignSpace.x;
import static io.inferencegw.plugins.regnet.BlockParams.DesignSpace.y;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugins.regnet.BlockParams.DesignSpace;
import java.util.List;
import org.pf4j.Extension;

/**
 * The RegNet family of torchvision: RegNetX (no squeeze-excitation) 400MF to 32GF and RegNetY
 * (squeeze-excitation ratio 0.25) 400MF to 128GF. Each variant is its design-space parameters
 * only (depth, w_0, w_a, w_m, group width; bottleneck ratio 1); the stage widths and depths are
 * generated from them by {@link BlockParams#fromInitParams}, as torchvision does.
 *
 * <p>Preprocessing as each variant's default weights: {@code IMAGENET1K_V2} for all but
 * {@code regnet_y_128gf}, resize the shorter side to 232 bilinear and crop 224;
 * {@code regnet_y_128gf} has only SWAG weights ({@code IMAGENET1K_SWAG_E2E_V1}): resize 384
 * <b>bicubic</b>, crop 384, so its native input is 384x384. ImageNet mean and std throughout.
 */
@Extension
public class RegnetFamily extends ConfiguredFamily<RegnetFamily.Config> {

  public static final String NAME = "regnet";
  public static final int NUM_CLASSES = 1000;

  private static final PreprocessSpec V2 = PreprocessSpec.imagenet(232, 224, Interpolation.BILINEAR);
  private static final PreprocessSpec SWAG =
      PreprocessSpec.imagenet(384, 384, Interpolation.BICUBIC);

  /** One row per variant, as torchvision's {@code regnet_*} builders. */
  record Config(String name, DesignSpace design, PreprocessSpec preprocess)
      implements ConfiguredFamily.Variant {
    BlockParams blockParams() {
      return design.blockParams();
    }
  }

  private static final List<Config> CONFIGS = List.of(
      new Config("regnet_x_400mf", x(22, 24, 24.48, 2.54, 16), V2),
      new Config("regnet_x_800mf", x(16, 56, 35.73, 2.28, 16), V2),
      new Config("regnet_x_1_6gf", x(18, 80, 34.01, 2.25, 24), V2),
      new Config("regnet_x_3_2gf", x(25, 88, 26.31, 2.25, 48), V2),
      new Config("regnet_x_8gf", x(23, 80, 49.56, 2.88, 120), V2),
      new Config("regnet_x_16gf", x(22, 216, 55.59, 2.1, 128), V2),
      new Config("regnet_x_32gf", x(23, 320, 69.86, 2.0, 168), V2),
      new Config("regnet_y_400mf", y(16, 48, 27.89, 2.09, 8), V2),
      new Config("regnet_y_800mf", y(14, 56, 38.84, 2.4, 16), V2),
      new Config("regnet_y_1_6gf", y(27, 48, 20.71, 2.65, 24), V2),
      new Config("regnet_y_3_2gf", y(21, 80, 42.63, 2.66, 24), V2),
      new Config("regnet_y_8gf", y(17, 192, 76.82, 2.19, 56), V2),
      new Config("regnet_y_16gf", y(18, 200, 106.23, 2.48, 112), V2),
      new Config("regnet_y_32gf", y(20, 232, 115.89, 2.53, 232), V2),
      new Config("regnet_y_128gf", y(27, 456, 160.83, 2.52, 264), SWAG));

  public RegnetFamily() {
    super(NAME, NUM_CLASSES, CONFIGS);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new RegNet(c.blockParams(), NUM_CLASSES);
  }

  /**
   * Skips torchvision's initialisation (LibTorch's default one still runs): the weights are
   * replaced right after. For regnet_y_128gf (645M parameters) that saves about 40% of the build.
   */
  @Override
  protected ClassifierModule buildForLoading(Config c) {
    return new RegNet(c.blockParams(), NUM_CLASSES, false);
  }
}
