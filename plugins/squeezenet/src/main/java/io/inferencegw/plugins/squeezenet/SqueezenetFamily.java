package io.inferencegw.plugins.squeezenet;

import static io.inferencegw.plugins.squeezenet.SqueezeNet.POOL;
import static io.inferencegw.plugins.squeezenet.SqueezeNet.fire;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugins.squeezenet.SqueezeNet.Stage;
import java.util.List;
import org.pf4j.Extension;

/** The SqueezeNet family of torchvision: versions 1.0 and 1.1. */
@Extension
public class SqueezenetFamily implements ModelFamily {

  public static final String NAME = "squeezenet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  public static final double DROPOUT = 0.5;

  /** torchvision's {@code ImageClassification(crop_size=224)}: resize 256 bilinear, crop 224. */
  public static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, SIZE, Interpolation.BILINEAR);

  /** One row per version: the stem convolution and the stages that follow it. */
  record Config(String name, int stemChannels, int stemKernel, List<Stage> stages) {}

  static final List<Config> CONFIGS = List.of(
      new Config("squeezenet1_0", 96, 7, List.of(
          POOL,
          fire(16, 64, 64), fire(16, 64, 64), fire(32, 128, 128),
          POOL,
          fire(32, 128, 128), fire(48, 192, 192), fire(48, 192, 192), fire(64, 256, 256),
          POOL,
          fire(64, 256, 256))),
      new Config("squeezenet1_1", 64, 3, List.of(
          POOL,
          fire(16, 64, 64), fire(16, 64, 64),
          POOL,
          fire(32, 128, 128), fire(32, 128, 128),
          POOL,
          fire(48, 192, 192), fire(48, 192, 192), fire(64, 256, 256), fire(64, 256, 256))));

  private static final List<VariantSpec> VARIANTS = CONFIGS.stream()
      .map(c -> new VariantSpec(c.name(), 3, SIZE, SIZE, NUM_CLASSES,
          SqueezeNet.parameterCount(c.stemChannels(), c.stemKernel(), c.stages(), NUM_CLASSES),
          PREPROCESS))
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
    Config c = CONFIGS.stream().filter(x -> x.name().equals(spec.name())).findFirst()
        .orElseThrow();
    return new SqueezeNet(c.stemChannels(), c.stemKernel(), c.stages(), spec.numClasses(),
        DROPOUT);
  }
}
