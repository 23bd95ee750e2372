package io.inferencegw.plugins.vit;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.List;
import org.pf4j.Extension;

/**
 * The Vision Transformer family of torchvision: B/16, B/32, L/16, L/32 and H/14, all built at
 * torchvision's builder default {@code image_size=224}.
 *
 * <p>Preprocessing as the weights that fit that build: bilinear resize of the shorter side to
 * 256 (B/16, B/32, L/32) or 242 (L/16) and center crop 224 ({@code IMAGENET1K_V1}); for H/14,
 * which torchvision publishes only as SWAG weights, those of {@code IMAGENET1K_SWAG_LINEAR_V1}:
 * bicubic resize to 224, crop 224. (H/14's default {@code IMAGENET1K_SWAG_E2E_V1} weights need a
 * network built for 518x518 input, with a longer position embedding: a different variant.)
 */
@Extension
public class VitFamily extends ConfiguredFamily<VitFamily.Config> {

  public static final String NAME = "vit";
  public static final int IMAGE_SIZE = 224;
  public static final int NUM_CLASSES = 1000;

  /** One row per variant, as torchvision's {@code vit_*} builders. */
  record Config(String name, int patchSize, int numLayers, int numHeads, int hiddenDim,
      int mlpDim, PreprocessSpec preprocess) implements ConfiguredFamily.Variant {}

  private static final List<Config> CONFIGS = List.of(
      new Config("vit_b_16", 16, 12, 12, 768, 3072,
          PreprocessSpec.imagenet(256, IMAGE_SIZE, Interpolation.BILINEAR)),
      new Config("vit_b_32", 32, 12, 12, 768, 3072,
          PreprocessSpec.imagenet(256, IMAGE_SIZE, Interpolation.BILINEAR)),
      new Config("vit_l_16", 16, 24, 16, 1024, 4096,
          PreprocessSpec.imagenet(242, IMAGE_SIZE, Interpolation.BILINEAR)),
      new Config("vit_l_32", 32, 24, 16, 1024, 4096,
          PreprocessSpec.imagenet(256, IMAGE_SIZE, Interpolation.BILINEAR)),
      new Config("vit_h_14", 14, 32, 16, 1280, 5120,
          PreprocessSpec.imagenet(224, IMAGE_SIZE, Interpolation.BICUBIC)));

  public VitFamily() {
    super(NAME, NUM_CLASSES, CONFIGS);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new VisionTransformer(IMAGE_SIZE, c.patchSize(), c.numLayers(), c.numHeads(),
        c.hiddenDim(), c.mlpDim(), NUM_CLASSES);
  }
}
