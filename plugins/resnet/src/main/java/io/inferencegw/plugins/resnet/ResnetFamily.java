package io.inferencegw.plugins.resnet;

import static io.inferencegw.plugins.resnet.ResNet.Block.BASIC;
import static io.inferencegw.plugins.resnet.ResNet.Block.BOTTLENECK;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.List;
import org.pf4j.Extension;

/**
 * ResNet (He et al., 2015) as torchvision's {@code resnet18 ... resnet152}; the network and its
 * blocks are this plugin's {@link ResNet} (shared with Wide ResNet and ResNeXt).
 *
 * <p>Preprocessing follows each builder's default torchvision weights: ResNet-18 and -34
 * ({@code IMAGENET1K_V1}) resize the shorter side to 256, ResNet-50/101/152
 * ({@code IMAGENET1K_V2}) to 232; all bilinear, center crop 224, ImageNet mean and std.
 */
@Extension
public class ResnetFamily implements ModelFamily {

  public static final String NAME = "resnet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;

  /** One row per variant: torchvision's {@code _resnet(block, layers)} and its weights' resize. */
  record Config(String name, ResNet.Config network, int resize) {}

  static final List<Config> CONFIGS = List.of(
      new Config("resnet18", ResNet.Config.of(BASIC, 2, 2, 2, 2), 256),
      new Config("resnet34", ResNet.Config.of(BASIC, 3, 4, 6, 3), 256),
      new Config("resnet50", ResNet.Config.of(BOTTLENECK, 3, 4, 6, 3), 232),
      new Config("resnet101", ResNet.Config.of(BOTTLENECK, 3, 4, 23, 3), 232),
      new Config("resnet152", ResNet.Config.of(BOTTLENECK, 3, 8, 36, 3), 232));

  private static final List<VariantSpec> VARIANTS = CONFIGS.stream()
      .map(c -> new VariantSpec(c.name(), 3, SIZE, SIZE, NUM_CLASSES,
          c.network().parameterCount(NUM_CLASSES),
          PreprocessSpec.imagenet(c.resize(), SIZE, Interpolation.BILINEAR)))
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
