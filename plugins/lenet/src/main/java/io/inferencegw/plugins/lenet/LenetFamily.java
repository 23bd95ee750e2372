package io.inferencegw.plugins.lenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugins.lenet.LeNet.Activation;
import io.inferencegw.plugins.lenet.LeNet.Pooling;
import java.util.List;
import org.pf4j.Extension;

/** The LeNet family: LeNet-5 for 28x28 grayscale images, in its classic and its ReLU form. */
@Extension
public class LenetFamily implements ModelFamily {

  public static final String NAME = "lenet";

  /** Fashion-MNIST training-set statistics of pixels scaled to [0,1]; training used them. */
  public static final float FASHION_MNIST_MEAN = 0.2860f;

  public static final float FASHION_MNIST_STD = 0.3530f;

  public static final int SIZE = 28;
  public static final int NUM_CLASSES = 10;

  public static final PreprocessSpec PREPROCESS =
      new PreprocessSpec(
          ColorMode.GRAYSCALE,
          SIZE,
          SIZE,
          SIZE,
          Interpolation.BILINEAR,
          new float[] {FASHION_MNIST_MEAN},
          new float[] {FASHION_MNIST_STD});

  /** One row per variant: the layer sizes are fixed, only the nonlinearity and pooling vary. */
  record Config(String name, Activation activation, Pooling pooling) {}

  static final List<Config> CONFIGS =
      List.of(
          new Config("lenet5", Activation.SIGMOID, Pooling.AVG),
          new Config("lenet5-relu", Activation.RELU, Pooling.MAX));

  private static final List<VariantSpec> VARIANTS =
      CONFIGS.stream()
          .map(
              c ->
                  new VariantSpec(
                      c.name(),
                      ColorMode.GRAYSCALE.channels(),
                      SIZE,
                      SIZE,
                      NUM_CLASSES,
                      LeNet.parameterCount(NUM_CLASSES),
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
    Config config =
        CONFIGS.stream().filter(c -> c.name().equals(spec.name())).findFirst().orElseThrow();
    return new LeNet(config.activation(), config.pooling(), spec.numClasses());
  }
}
