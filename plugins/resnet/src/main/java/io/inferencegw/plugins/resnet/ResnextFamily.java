package io.inferencegw.plugins.resnet;

import static io.inferencegw.plugins.resnet.ResNet.Block.BOTTLENECK;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.List;
import org.pf4j.Extension;

/**
 * ResNeXt (Xie et al., 2016) as torchvision's {@code resnext50_32x4d}, {@code resnext101_32x8d}
 * and {@code resnext101_64x4d}: ResNet-50/101 bottlenecks whose 3x3 convolution is split into
 * {@code C} groups of width {@code d} at 64 planes (the {@code CxD} of the name). Built by
 * this plugin's {@link ResNet}, shared with ResNet and Wide ResNet.
 *
 * <p>Preprocessing as the default torchvision weights ({@code IMAGENET1K_V2}, and
 * {@code IMAGENET1K_V1} for 101_64x4d, the same transform): resize the shorter side to 232
 * bilinear, center crop 224, ImageNet mean and std.
 */
@Extension
public class ResnextFamily implements ModelFamily {

  public static final String NAME = "resnext";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  public static final int RESIZE = 232;

  /** One row per variant: depth via the blocks per stage, then cardinality and group width. */
  record Config(String name, ResNet.Config network) {}

  static final List<Config> CONFIGS = List.of(
      new Config("resnext50_32x4d", ResNet.Config.of(BOTTLENECK, 3, 4, 6, 3).withGroups(32, 4)),
      new Config("resnext101_32x8d",
          ResNet.Config.of(BOTTLENECK, 3, 4, 23, 3).withGroups(32, 8)),
      new Config("resnext101_64x4d",
          ResNet.Config.of(BOTTLENECK, 3, 4, 23, 3).withGroups(64, 4)));

  private static final List<VariantSpec> VARIANTS = CONFIGS.stream()
      .map(c -> new VariantSpec(c.name(), 3, SIZE, SIZE, NUM_CLASSES,
          c.network().parameterCount(NUM_CLASSES),
          PreprocessSpec.imagenet(RESIZE, SIZE, Interpolation.BILINEAR)))
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
    return config(spec.name()).network().build(spec.numClasses());
  }

  static Config config(String variant) {
    return CONFIGS.stream().filter(c -> c.name().equals(variant)).findFirst().orElseThrow();
  }
}
