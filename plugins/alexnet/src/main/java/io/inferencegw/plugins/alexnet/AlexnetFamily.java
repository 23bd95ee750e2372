package io.inferencegw.plugins.alexnet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.List;
import org.pf4j.Extension;

/** The AlexNet family of torchvision: one variant, {@code alexnet}. */
@Extension
public class AlexnetFamily implements ModelFamily {

  public static final String NAME = "alexnet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;

  /** torchvision's {@code ImageClassification(crop_size=224)}: resize 256 bilinear, crop 224. */
  public static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, SIZE, Interpolation.BILINEAR);

  /** One row per variant, with torchvision's constructor arguments. */
  record Config(String name, double dropout) {}

  static final List<Config> CONFIGS = List.of(new Config("alexnet", 0.5));

  private static final List<VariantSpec> VARIANTS = CONFIGS.stream()
      .map(c -> new VariantSpec(c.name(), 3, SIZE, SIZE, NUM_CLASSES,
          AlexNet.parameterCount(NUM_CLASSES), PREPROCESS))
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
    Config config = CONFIGS.stream().filter(c -> c.name().equals(spec.name())).findFirst()
        .orElseThrow();
    return new AlexNet(spec.numClasses(), config.dropout());
  }
}
