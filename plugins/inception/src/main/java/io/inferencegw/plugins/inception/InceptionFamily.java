package io.inferencegw.plugins.inception;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.inception.TransformInput;
import io.inferencegw.plugins.inception.resnetv2.InceptionResnetV2;
import io.inferencegw.plugins.inception.v3.Inception3;
import io.inferencegw.plugins.inception.v4.InceptionV4;
import java.util.List;
import org.pf4j.Extension;

/**
 * The Inception line at 299x299:
 *
 * <ul>
 *   <li>{@code inception_v3}: torchvision's {@code inception_v3}, auxiliary head included,
 *       built as torchvision builds it for its weights ({@code Inception_V3_Weights.IMAGENET1K_V1},
 *       ported from TensorFlow): {@code transform_input=True}. Preprocessing as those weights'
 *       transforms: resize the shorter side to 342 (bilinear), center crop 299, ImageNet mean and
 *       std; the network's first step maps that to the TensorFlow normalisation
 *       {@code (x - 0.5) / 0.5}.</li>
 *   <li>{@code inception_v4} and {@code inception_resnet_v2}: timm 1.0.9's (Szegedy et al.
 *       2016), with timm's module names so that its checkpoints ({@code tf_in1k}) load.
 *       Preprocessing as timm's pretrained configs: resize the shorter side to
 *       {@code floor(299 / crop_pct)} (bicubic; crop_pct 0.875 gives 341, 0.8975 gives 333),
 *       center crop 299, and the Inception normalisation mean = std = 0.5, i.e.
 *       {@code (x - 0.5) / 0.5}, applied by preprocessing (these networks have no
 *       {@code transform_input}).</li>
 * </ul>
 */
@Extension
public class InceptionFamily implements ModelFamily {

  public static final String NAME = "inception";
  public static final String INCEPTION_V3 = "inception_v3";
  public static final int SIZE = 299;
  public static final int NUM_CLASSES = 1000;

  /** torchvision's {@code transform_input} of the served Inception v3 (true with its weights). */
  public static final boolean V3_TRANSFORM_INPUT = true;

  /** {@code ImageClassification(crop_size=299, resize_size=342)}: bilinear, ImageNet mean/std. */
  public static final PreprocessSpec V3_PREPROCESS =
      PreprocessSpec.imagenet(342, SIZE, Interpolation.BILINEAR);

  public static final String INCEPTION_V4 = "inception_v4";
  public static final String INCEPTION_RESNET_V2 = "inception_resnet_v2";

  /** timm's {@code IMAGENET_INCEPTION_MEAN} and {@code IMAGENET_INCEPTION_STD}. */
  public static final float[] INCEPTION_MEAN_STD = {0.5f, 0.5f, 0.5f};

  /** timm's eval transform for {@code inception_v4.tf_in1k}: crop_pct 0.875, bicubic. */
  public static final PreprocessSpec V4_PREPROCESS = timm(341);

  /** timm's eval transform for {@code inception_resnet_v2.tf_in1k}: crop_pct 0.8975, bicubic. */
  public static final PreprocessSpec RESNET_V2_PREPROCESS = timm(333);

  private static PreprocessSpec timm(int resize) {
    return new PreprocessSpec(ColorMode.RGB, resize, SIZE, SIZE, Interpolation.BICUBIC,
        INCEPTION_MEAN_STD, INCEPTION_MEAN_STD);
  }

  /** How a variant is built: for a number of classes, with the reference's init or without. */
  @FunctionalInterface
  interface Builder {
    ClassifierModule build(int numClasses, boolean initWeights);
  }

  /** One row per variant: its spec and its builder. */
  record Variant(VariantSpec spec, Builder builder) {}

  static final List<Variant> VARIANTS = List.of(
      new Variant(
          new VariantSpec(INCEPTION_V3, 3, SIZE, SIZE, NUM_CLASSES, 27_161_264L, V3_PREPROCESS),
          (classes, init) -> new Inception3(classes, true, V3_TRANSFORM_INPUT, 0.5, init)),
      new Variant(
          new VariantSpec(INCEPTION_V4, 3, SIZE, SIZE, NUM_CLASSES, 42_679_816L, V4_PREPROCESS),
          (classes, init) -> new InceptionV4(classes)),
      new Variant(
          new VariantSpec(INCEPTION_RESNET_V2, 3, SIZE, SIZE, NUM_CLASSES, 55_843_464L,
              RESNET_V2_PREPROCESS),
          (classes, init) -> new InceptionResnetV2(classes)));

  private static final List<VariantSpec> SPECS = VARIANTS.stream().map(Variant::spec).toList();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<VariantSpec> variants() {
    return SPECS;
  }

  /**
   * Inception v3 renormalises its input itself ({@code transform_input=True}); timm's two take
   * the Inception normalisation from preprocessing.
   */
  @Override
  public String inputNote(String variant) {
    return switch (requireVariant(variant).name()) {
      case INCEPTION_V3 -> TransformInput.catalogNote(INCEPTION_V3);
      default -> "timm " + variant + " (tf_in1k weights): Inception normalisation, mean = std = "
          + "0.5, applied by the preprocess";
    };
  }

  @Override
  public ClassifierModule build(String variant) {
    return build(variant, true);
  }

  /**
   * Skips torchvision's truncated-normal initialisation of Inception v3: the weights are replaced
   * right after. (timm's networks keep PyTorch's default initialisation, which LibTorch's
   * layers apply as they are made, in both cases.)
   */
  @Override
  public ClassifierModule buildForLoading(String variant) {
    return build(variant, false);
  }

  private ClassifierModule build(String variant, boolean initWeights) {
    VariantSpec spec = requireVariant(variant);
    return VARIANTS.stream().filter(v -> v.spec().equals(spec)).findFirst().orElseThrow()
        .builder().build(spec.numClasses(), initWeights);
  }
}
