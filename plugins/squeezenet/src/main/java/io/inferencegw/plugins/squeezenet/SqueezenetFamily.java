package io.inferencegw.plugins.squeezenet;

import static io.inferencegw.plugins.squeezenet.SqueezeNet.POOL;
import static io.inferencegw.plugins.squeezenet.SqueezeNet.fire;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugins.squeezenet.SqueezeNet.Stage;
import java.util.List;
import org.pf4j.Extension;

/** The SqueezeNet family of torchvision: versions 1.0 and 1.1. */
@Extension
public class SqueezenetFamily extends ConfiguredFamily<SqueezenetFamily.Config> {

  public static final String NAME = "squeezenet";
  private static final int NUM_CLASSES = 1000;
  private static final double DROPOUT = 0.5;

  /** torchvision's {@code ImageClassification(crop_size=224)}: resize 256 bilinear, crop 224. */
  private static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR);

  /** One row per version: the stem convolution and the stages that follow it. */
  record Config(String name, int stemChannels, int stemKernel, List<Stage> stages)
      implements Variant {}

  public SqueezenetFamily() {
    super(NAME, NUM_CLASSES, PREPROCESS, List.of(
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
            fire(48, 192, 192), fire(48, 192, 192), fire(64, 256, 256), fire(64, 256, 256)))));
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new SqueezeNet(c.stemChannels(), c.stemKernel(), c.stages(), NUM_CLASSES, DROPOUT);
  }
}
