package io.inferencegw.plugins.efficientnet;

import static io.inferencegw.plugins.efficientnet.EfficientNet.Stage.fused;
import static io.inferencegw.plugins.efficientnet.EfficientNet.Stage.mbconv;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugins.efficientnet.EfficientNet.Norm;
import io.inferencegw.plugins.efficientnet.EfficientNet.Stage;
import java.util.List;
import org.pf4j.Extension;

/**
 * The EfficientNet family of torchvision: B0 to B7 (compound scaling of one MBConv network) and
 * V2 S, M and L (Fused-MBConv in the early stages). 1000 logits each.
 *
 * <p>Every variant has its own native input size and preprocessing, as its default torchvision
 * weights: B0 resize 256 crop 224 bicubic; B1 ({@code IMAGENET1K_V2}) 255/240 bilinear; B2
 * 288/288, B3 320/300, B4 384/380, B5 456/456, B6 528/528, B7 600/600, all bicubic; V2-S
 * 384/384 bilinear, V2-M 480/480 bilinear, V2-L 480/480 bicubic with mean and std 0.5 per
 * channel (the others ImageNet's).
 */
@Extension
public class EfficientnetFamily extends ConfiguredFamily<EfficientnetFamily.Config> {

  public static final String NAME = "efficientnet";
  public static final int NUM_CLASSES = 1000;
  /** torchvision's default {@code stochastic_depth_prob} (training only). */
  public static final double STOCHASTIC_DEPTH = 0.2;

  private static final Norm B5_B7_NORM = new Norm(1e-3, 0.01);
  private static final Norm V2_NORM = new Norm(1e-3, 0.1);
  private static final float[] HALF = {0.5f, 0.5f, 0.5f};

  /**
   * One row per variant, as torchvision's {@code efficientnet_*} builders.
   *
   * @param lastChannel width of the head convolution, 0 for 4x the last stage's
   */
  record Config(String name, List<Stage> setting, int lastChannel, double dropout, Norm norm,
      PreprocessSpec preprocess) implements ConfiguredFamily.Variant {}

  /** {@code _efficientnet_conf("efficientnet_bN", width_mult, depth_mult)}. */
  static List<Stage> bSeries(double width, double depth) {
    return List.of(
        mbconv(1, 3, 1, 32, 16, 1, width, depth),
        mbconv(6, 3, 2, 16, 24, 2, width, depth),
        mbconv(6, 5, 2, 24, 40, 2, width, depth),
        mbconv(6, 3, 2, 40, 80, 3, width, depth),
        mbconv(6, 5, 1, 80, 112, 3, width, depth),
        mbconv(6, 5, 2, 112, 192, 4, width, depth),
        mbconv(6, 3, 1, 192, 320, 1, width, depth));
  }

  static final List<Stage> V2_S = List.of(
      fused(1, 3, 1, 24, 24, 2),
      fused(4, 3, 2, 24, 48, 4),
      fused(4, 3, 2, 48, 64, 4),
      mbconv(4, 3, 2, 64, 128, 6),
      mbconv(6, 3, 1, 128, 160, 9),
      mbconv(6, 3, 2, 160, 256, 15));

  static final List<Stage> V2_M = List.of(
      fused(1, 3, 1, 24, 24, 3),
      fused(4, 3, 2, 24, 48, 5),
      fused(4, 3, 2, 48, 80, 5),
      mbconv(4, 3, 2, 80, 160, 7),
      mbconv(6, 3, 1, 160, 176, 14),
      mbconv(6, 3, 2, 176, 304, 18),
      mbconv(6, 3, 1, 304, 512, 5));

  static final List<Stage> V2_L = List.of(
      fused(1, 3, 1, 32, 32, 4),
      fused(4, 3, 2, 32, 64, 7),
      fused(4, 3, 2, 64, 96, 7),
      mbconv(4, 3, 2, 96, 192, 10),
      mbconv(6, 3, 1, 192, 224, 19),
      mbconv(6, 3, 2, 224, 384, 25),
      mbconv(6, 3, 1, 384, 640, 7));

  private static PreprocessSpec imagenet(int resize, int crop, Interpolation interpolation) {
    return PreprocessSpec.imagenet(resize, crop, interpolation);
  }

  private static final List<Config> CONFIGS = List.of(
      new Config("efficientnet_b0", bSeries(1.0, 1.0), 0, 0.2, Norm.DEFAULT,
          imagenet(256, 224, Interpolation.BICUBIC)),
      new Config("efficientnet_b1", bSeries(1.0, 1.1), 0, 0.2, Norm.DEFAULT,
          imagenet(255, 240, Interpolation.BILINEAR)),
      new Config("efficientnet_b2", bSeries(1.1, 1.2), 0, 0.3, Norm.DEFAULT,
          imagenet(288, 288, Interpolation.BICUBIC)),
      new Config("efficientnet_b3", bSeries(1.2, 1.4), 0, 0.3, Norm.DEFAULT,
          imagenet(320, 300, Interpolation.BICUBIC)),
      new Config("efficientnet_b4", bSeries(1.4, 1.8), 0, 0.4, Norm.DEFAULT,
          imagenet(384, 380, Interpolation.BICUBIC)),
      new Config("efficientnet_b5", bSeries(1.6, 2.2), 0, 0.4, B5_B7_NORM,
          imagenet(456, 456, Interpolation.BICUBIC)),
      new Config("efficientnet_b6", bSeries(1.8, 2.6), 0, 0.5, B5_B7_NORM,
          imagenet(528, 528, Interpolation.BICUBIC)),
      new Config("efficientnet_b7", bSeries(2.0, 3.1), 0, 0.5, B5_B7_NORM,
          imagenet(600, 600, Interpolation.BICUBIC)),
      new Config("efficientnet_v2_s", V2_S, 1280, 0.2, V2_NORM,
          imagenet(384, 384, Interpolation.BILINEAR)),
      new Config("efficientnet_v2_m", V2_M, 1280, 0.3, V2_NORM,
          imagenet(480, 480, Interpolation.BILINEAR)),
      new Config("efficientnet_v2_l", V2_L, 1280, 0.4, V2_NORM,
          new PreprocessSpec(ColorMode.RGB, 480, 480, 480, Interpolation.BICUBIC, HALF, HALF)));

  public EfficientnetFamily() {
    super(NAME, NUM_CLASSES, CONFIGS);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new EfficientNet(c.setting(), c.dropout(), STOCHASTIC_DEPTH, NUM_CLASSES, c.norm(),
        c.lastChannel());
  }
}
