package io.inferencegw.plugins.googlenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
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
public class GooglenetFamily implements ModelFamily {

  public static final String NAME = "googlenet";
  public static final String GOOGLENET = "googlenet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  public static final double DROPOUT = 0.2;
  public static final double DROPOUT_AUX = 0.7;
  /** torchvision's {@code transform_input} of the served network (true with its weights). */
  public static final boolean TRANSFORM_INPUT = true;

  /** torchvision's {@code ImageClassification(crop_size=224)}: resize 256 bilinear, crop 224. */
  public static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, SIZE, Interpolation.BILINEAR);

  /** sum(p.numel()) of torchvision's {@code googlenet()}, auxiliary heads included. */
  public static final long PARAMETERS = 13_004_888L;

  private static final List<VariantSpec> VARIANTS = List.of(
      new VariantSpec(GOOGLENET, 3, SIZE, SIZE, NUM_CLASSES, PARAMETERS, PREPROCESS));

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
    return new GoogLeNet(spec.numClasses(), true, TRANSFORM_INPUT, DROPOUT, DROPOUT_AUX, true);
  }

  /** Says that the network renormalises its input itself ({@code transform_input=True}). */
  @Override
  public String inputNote(String variant) {
    return TransformInput.catalogNote(requireVariant(variant).name());
  }

  /** Skips torchvision's truncated-normal initialisation: the weights are replaced right after. */
  @Override
  public ClassifierModule buildForLoading(String variant) {
    VariantSpec spec = requireVariant(variant);
    return new GoogLeNet(spec.numClasses(), true, TRANSFORM_INPUT, DROPOUT, DROPOUT_AUX, false);
  }
}
