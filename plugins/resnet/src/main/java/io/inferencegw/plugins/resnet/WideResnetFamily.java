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
 * Wide ResNet (Zagoruyko and Komodakis, 2016) as torchvision's {@code wide_resnet50_2} and
 * {@code wide_resnet101_2}: ResNet-50/101 whose bottleneck 3x3 convolutions are twice as wide
 * ({@code width_per_group = 64 * 2}); the outer 1x1 convolutions keep ResNet's channels. Built by
 * this plugin's {@link ResNet}, shared with ResNet and ResNeXt.
 *
 * <p>Preprocessing as the default torchvision weights ({@code IMAGENET1K_V2}): resize the shorter
 * side to 232 bilinear, center crop 224, ImageNet mean and std.
 */
@Extension
public class WideResnetFamily implements ModelFamily {

  public static final String NAME = "wide_resnet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  public static final int RESIZE = 232;

  /** One row per variant: depth via the blocks per stage, the width factor via the groups. */
  record Config(String name, ResNet.Config network) {}

  static final List<Config> CONFIGS = List.of(
      new Config("wide_resnet50_2",
          ResNet.Config.of(BOTTLENECK, 3, 4, 6, 3).withGroups(1, 64 * 2)),
      new Config("wide_resnet101_2",
          ResNet.Config.of(BOTTLENECK, 3, 4, 23, 3).withGroups(1, 64 * 2)));

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
