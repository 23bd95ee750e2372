package io.inferencegw.plugins.lenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugins.lenet.LeNet.Activation;
import io.inferencegw.plugins.lenet.LeNet.Pooling;
import java.util.List;
import org.pf4j.Extension;

/** The LeNet family: LeNet-5 for 28x28 grayscale images, in its classic and its ReLU form. */
@Extension
public class LenetFamily extends ConfiguredFamily<LenetFamily.Config> {

  public static final String NAME = "lenet";

  /** Fashion-MNIST training-set statistics of pixels scaled to [0,1]; training used them. */
  public static final float FASHION_MNIST_MEAN = 0.2860f;

  public static final float FASHION_MNIST_STD = 0.3530f;

  private static final int SIZE = 28;
  private static final int NUM_CLASSES = 10;

  private static final PreprocessSpec PREPROCESS =
      new PreprocessSpec(
          ColorMode.GRAYSCALE,
          SIZE,
          SIZE,
          SIZE,
          Interpolation.BILINEAR,
          new float[] {FASHION_MNIST_MEAN},
          new float[] {FASHION_MNIST_STD});

  /** One row per variant: the layer sizes are fixed, only the nonlinearity and pooling vary. */
  record Config(String name, Activation activation, Pooling pooling) implements Variant {}

  public LenetFamily() {
    super(NAME, NUM_CLASSES, PREPROCESS, List.of(
        new Config("lenet5", Activation.SIGMOID, Pooling.AVG),
        new Config("lenet5-relu", Activation.RELU, Pooling.MAX)));
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new LeNet(c.activation(), c.pooling(), NUM_CLASSES);
  }
}
