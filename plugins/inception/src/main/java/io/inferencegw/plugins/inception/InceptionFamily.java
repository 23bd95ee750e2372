package io.inferencegw.plugins.inception;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.blocks.inception.TransformInput;
import io.inferencegw.plugins.inception.resnetv2.InceptionResnetV2;
import io.inferencegw.plugins.inception.v3.Inception3;
import io.inferencegw.plugins.inception.v4.InceptionV4;
import java.util.List;
import java.util.function.IntFunction;
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
public class InceptionFamily extends ConfiguredFamily<InceptionFamily.Config> {

  public static final String NAME = "inception";
  public static final String INCEPTION_V3 = "inception_v3";
  public static final String INCEPTION_V4 = "inception_v4";
  public static final String INCEPTION_RESNET_V2 = "inception_resnet_v2";
  private static final int SIZE = 299;
  private static final int NUM_CLASSES = 1000;

  /** {@code ImageClassification(crop_size=299, resize_size=342)}: bilinear, ImageNet mean/std. */
  private static final PreprocessSpec V3_PREPROCESS =
      PreprocessSpec.imagenet(342, SIZE, Interpolation.BILINEAR);

  /** timm's {@code IMAGENET_INCEPTION_MEAN} and {@code IMAGENET_INCEPTION_STD}. */
  private static final float[] INCEPTION_MEAN_STD = {0.5f, 0.5f, 0.5f};

  private static PreprocessSpec timm(int resize) {
    return new PreprocessSpec(ColorMode.RGB, resize, SIZE, SIZE, Interpolation.BICUBIC,
        INCEPTION_MEAN_STD, INCEPTION_MEAN_STD);
  }

  /** How a variant is built: for a number of classes, with the reference's init or without. */
  @FunctionalInterface
  interface Builder {
    ClassifierModule build(int numClasses, boolean initWeights);
  }

  /** One row per variant: its preprocessing, its {@link #inputNote} and its builder. */
  record Config(String name, PreprocessSpec preprocess, String inputNote, Builder builder)
      implements Variant {}

  public InceptionFamily() {
    this(List.of(
        v3(INCEPTION_V3, true),
        // timm's eval transform for inception_v4.tf_in1k: crop_pct 0.875, bicubic
        timm(INCEPTION_V4, 341, InceptionV4::new),
        // timm's eval transform for inception_resnet_v2.tf_in1k: crop_pct 0.8975, bicubic
        timm(INCEPTION_RESNET_V2, 333, InceptionResnetV2::new)));
  }

  /** Another table, e.g. the torchvision variant alone, for the parity test. */
  InceptionFamily(List<Config> configs) {
    super(NAME, NUM_CLASSES, configs);
  }

  /**
   * torchvision's Inception v3 with its auxiliary head; the served one has
   * {@code transform_input=True}, as torchvision builds it for its weights, and renormalises its
   * input itself.
   */
  static Config v3(String name, boolean transformInput) {
    return new Config(name, V3_PREPROCESS,
        transformInput ? TransformInput.catalogNote(INCEPTION_V3) : "",
        (classes, init) -> new Inception3(classes, true, transformInput, 0.5, init));
  }

  /**
   * timm's networks take the Inception normalisation from preprocessing, and keep PyTorch's
   * default initialisation, which LibTorch's layers apply as they are made.
   */
  private static Config timm(String name, int resize, IntFunction<ClassifierModule> builder) {
    return new Config(name, timm(resize), "timm " + name + " (tf_in1k weights): Inception "
        + "normalisation, mean = std = 0.5, applied by the preprocess",
        (classes, init) -> builder.apply(classes));
  }


  @Override
  protected ClassifierModule build(Config c) {
    return c.builder().build(NUM_CLASSES, true);
  }

  /**
   * Skips torchvision's truncated-normal initialisation of Inception v3: the weights are replaced
   * right after.
   */
  @Override
  protected ClassifierModule buildForLoading(Config c) {
    return c.builder().build(NUM_CLASSES, false);
  }

  @Override
  public String inputNote(String variant) {
    return config(variant).inputNote();
  }
}
