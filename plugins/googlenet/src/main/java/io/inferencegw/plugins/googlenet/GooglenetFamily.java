package io.inferencegw.plugins.googlenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.blocks.inception.TransformInput;
import java.util.List;
import org.pf4j.Extension;

/**
 * GoogLeNet of torchvision, one variant: {@code googlenet}, built as torchvision builds it for
 * its ImageNet weights ({@code GoogLeNet_Weights.IMAGENET1K_V1}, ported from TensorFlow), with
 * the two auxiliary classifiers present (13,004,888 parameters; 6,624,904 without them).
 *
 * <p>Preprocessing, as those weights' transforms: resize the shorter side to 256 (bilinear),
 * center crop 224, scale to [0, 1], normalise with ImageNet's mean and std. The served network
 * has {@code transform_input=True}, as torchvision sets it with weights: its first step maps that
 * input to {@code (x - 0.5) / 0.5}, the normalisation of the TensorFlow original. Clients send
 * the usual ImageNet-normalised tensor.
 */
@Extension
public class GooglenetFamily extends ConfiguredFamily<GooglenetFamily.Config> {

  public static final String NAME = "googlenet";
  public static final String GOOGLENET = "googlenet";
  private static final int NUM_CLASSES = 1000;
  private static final double DROPOUT = 0.2;
  private static final double DROPOUT_AUX = 0.7;

  /** torchvision's {@code ImageClassification(crop_size=224)}: resize 256 bilinear, crop 224. */
  private static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR);

  /**
   * One row per variant, with the auxiliary classifiers always present.
   *
   * @param transformInput torchvision's {@code transform_input} (true with its weights)
   */
  record Config(String name, boolean transformInput) implements Variant {}

  public GooglenetFamily() {
    this(List.of(new Config(GOOGLENET, true)));
  }

  /** Another table, e.g. torchvision's plain {@code googlenet()} for the parity test. */
  GooglenetFamily(List<Config> configs) {
    super(NAME, NUM_CLASSES, PREPROCESS, configs);
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new GoogLeNet(NUM_CLASSES, true, c.transformInput(), DROPOUT, DROPOUT_AUX, true);
  }

  /** Skips torchvision's truncated-normal initialisation: the weights are replaced right after. */
  @Override
  protected ClassifierModule buildForLoading(Config c) {
    return new GoogLeNet(NUM_CLASSES, true, c.transformInput(), DROPOUT, DROPOUT_AUX, false);
  }

  /** Says that the network renormalises its input itself ({@code transform_input=True}). */
  @Override
  public String inputNote(String variant) {
    return config(variant).transformInput() ? TransformInput.catalogNote(variant) : "";
  }
}
