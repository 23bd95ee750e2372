package io.inferencegw.plugins.alexnet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.List;
import org.pf4j.Extension;

/** The AlexNet family of torchvision: one variant, {@code alexnet}. */
@Extension
public class AlexnetFamily extends ConfiguredFamily<AlexnetFamily.Config> {

  public static final String NAME = "alexnet";
  private static final int NUM_CLASSES = 1000;

  /** torchvision's {@code ImageClassification(crop_size=224)}: resize 256 bilinear, crop 224. */
  private static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR);

  /** One row per variant, with torchvision's constructor arguments. */
  record Config(String name, double dropout) implements Variant {}

  public AlexnetFamily() {
    super(NAME, NUM_CLASSES, PREPROCESS, List.of(new Config("alexnet", 0.5)));
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new AlexNet(NUM_CLASSES, c.dropout());
  }
}
