package io.inferencegw.plugins.vgg;

import static io.inferencegw.plugins.vgg.VGG.M;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The VGG family of torchvision: configurations A, B, D and E (11, 13, 16 and 19 weight
 * layers), each with and without batch norm.
 */
@Extension
public class VggFamily extends ConfiguredFamily<VggFamily.Config> {

  public static final String NAME = "vgg";
  private static final int NUM_CLASSES = 1000;
  private static final double DROPOUT = 0.5;

  /** torchvision's {@code ImageClassification(crop_size=224)}: resize 256 bilinear, crop 224. */
  private static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR);

  /** torchvision's {@code cfgs}: output channels of each 3x3 convolution, {@link VGG#M} = pool. */
  static final Map<String, int[]> CFGS = Map.of(
      "A", new int[] {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M},
      "B", new int[] {64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M},
      "D", new int[] {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M,
          512, 512, 512, M},
      "E", new int[] {64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M,
          512, 512, 512, 512, M});

  /** One row per variant, as torchvision's {@code vgg11 ... vgg19_bn} builders. */
  record Config(String name, String cfg, boolean batchNorm) implements Variant {
    int[] layers() {
      return CFGS.get(cfg);
    }
  }

  public VggFamily() {
    super(NAME, NUM_CLASSES, PREPROCESS, List.of(
        new Config("vgg11", "A", false),
        new Config("vgg11_bn", "A", true),
        new Config("vgg13", "B", false),
        new Config("vgg13_bn", "B", true),
        new Config("vgg16", "D", false),
        new Config("vgg16_bn", "D", true),
        new Config("vgg19", "E", false),
        new Config("vgg19_bn", "E", true)));
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new VGG(c.layers(), c.batchNorm(), NUM_CLASSES, DROPOUT);
  }
}
