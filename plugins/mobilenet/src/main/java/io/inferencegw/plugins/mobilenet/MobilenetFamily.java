package io.inferencegw.plugins.mobilenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.List;
import java.util.function.IntFunction;
import org.pf4j.Extension;

/**
 * The MobileNet family: torchvision's {@code mobilenet_v2}, {@code mobilenet_v3_large} and
 * {@code mobilenet_v3_small}, and {@code mobilenet_v1}, the original depthwise-separable
 * network (width 1.0), which torchvision lacks, with timm's {@code mobilenetv1_100} keys.
 * All take 224x224 RGB input and return 1000 logits.
 *
 * <p>Preprocessing as each variant's default weights: {@code mobilenet_v2} and
 * {@code mobilenet_v3_large} ({@code IMAGENET1K_V2}) resize the shorter side to 232 bilinear,
 * {@code mobilenet_v3_small} ({@code IMAGENET1K_V1}) to 256 bilinear, all crop 224 with ImageNet
 * mean and std. {@code mobilenet_v1} as timm's {@code mobilenetv1_100.ra4_e3600_r224_in1k}:
 * resize 256 (crop_pct 0.875) <b>bicubic</b>, crop 224, mean and std <b>0.5</b> per channel.
 */
@Extension
public class MobilenetFamily extends ConfiguredFamily<MobilenetFamily.Config> {

  public static final String NAME = "mobilenet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  /** Dropout before the classifier, torchvision's default. */
  public static final double DROPOUT = 0.2;

  /** timm's {@code IMAGENET_INCEPTION_MEAN} and {@code _STD}. */
  static final float[] HALF = {0.5f, 0.5f, 0.5f};

  /** One row per variant: how to build it for a number of classes, and its preprocessing. */
  record Config(String name, IntFunction<ClassifierModule> factory, PreprocessSpec preprocess)
      implements ConfiguredFamily.Variant {}

  private static final List<Config> CONFIGS = List.of(
      new Config("mobilenet_v1", MobileNetV1::new,
          new PreprocessSpec(ColorMode.RGB, 256, SIZE, SIZE, Interpolation.BICUBIC, HALF, HALF)),
      new Config("mobilenet_v2", n -> new MobileNetV2(n, 1.0, DROPOUT),
          PreprocessSpec.imagenet(232, SIZE, Interpolation.BILINEAR)),
      new Config("mobilenet_v3_large",
          n -> new MobileNetV3(MobileNetV3.LARGE, MobileNetV3.LARGE_LAST_CHANNEL, 1.0, n, DROPOUT),
          PreprocessSpec.imagenet(232, SIZE, Interpolation.BILINEAR)),
      new Config("mobilenet_v3_small",
          n -> new MobileNetV3(MobileNetV3.SMALL, MobileNetV3.SMALL_LAST_CHANNEL, 1.0, n, DROPOUT),
          PreprocessSpec.imagenet(256, SIZE, Interpolation.BILINEAR)));

  public MobilenetFamily() {
    super(NAME, NUM_CLASSES, CONFIGS);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return c.factory().apply(NUM_CLASSES);
  }
}
