package io.inferencegw.plugins.mobilenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
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
public class MobilenetFamily implements ModelFamily {

  public static final String NAME = "mobilenet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  /** Dropout before the classifier, torchvision's default. */
  public static final double DROPOUT = 0.2;

  /** timm's {@code IMAGENET_INCEPTION_MEAN} and {@code _STD}. */
  static final float[] HALF = {0.5f, 0.5f, 0.5f};

  /** One row per variant: how to build it and count it, and its preprocessing. */
  record Config(String name, IntFunction<ClassifierModule> factory,
      ToLongFunction<Integer> parameters, PreprocessSpec preprocess) {}

  static final List<Config> CONFIGS = List.of(
      new Config("mobilenet_v1", MobileNetV1::new, MobileNetV1::parameterCount,
          new PreprocessSpec(ColorMode.RGB, 256, SIZE, SIZE, Interpolation.BICUBIC, HALF, HALF)),
      new Config("mobilenet_v2", n -> new MobileNetV2(n, 1.0, DROPOUT),
          n -> MobileNetV2.parameterCount(n, 1.0),
          PreprocessSpec.imagenet(232, SIZE, Interpolation.BILINEAR)),
      new Config("mobilenet_v3_large",
          n -> new MobileNetV3(MobileNetV3.LARGE, MobileNetV3.LARGE_LAST_CHANNEL, 1.0, n, DROPOUT),
          n -> MobileNetV3.parameterCount(MobileNetV3.LARGE, MobileNetV3.LARGE_LAST_CHANNEL, 1.0, n),
          PreprocessSpec.imagenet(232, SIZE, Interpolation.BILINEAR)),
      new Config("mobilenet_v3_small",
          n -> new MobileNetV3(MobileNetV3.SMALL, MobileNetV3.SMALL_LAST_CHANNEL, 1.0, n, DROPOUT),
          n -> MobileNetV3.parameterCount(MobileNetV3.SMALL, MobileNetV3.SMALL_LAST_CHANNEL, 1.0, n),
          PreprocessSpec.imagenet(256, SIZE, Interpolation.BILINEAR)));

  private static final List<VariantSpec> VARIANTS = CONFIGS.stream()
      .map(c -> new VariantSpec(c.name(), 3, SIZE, SIZE, NUM_CLASSES,
          c.parameters().applyAsLong(NUM_CLASSES), c.preprocess()))
      .toList();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<VariantSpec> variants() {
    return VARIANTS;
  }

  @Override
  public ClassifierModule build(String variant) {
    VariantSpec spec = requireVariant(variant);
    return config(spec.name()).factory().apply(spec.numClasses());
  }

  static Config config(String variant) {
    return CONFIGS.stream().filter(c -> c.name().equals(variant)).findFirst().orElseThrow();
  }
}
